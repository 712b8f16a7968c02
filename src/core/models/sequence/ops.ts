import * as tf from '@tensorflow/tfjs-core';
import { decoderKernelReady, softmaxXent } from './decoderKernel';
import { decoderKernelGpuReady, softmaxXentGpu } from './decoderKernelGpu';

/**
 * Custom-gradient building blocks for the sequence models. They exist for speed and portability, not new math:
 * - `lookup`: embedding rows with a scatterND gradient. The built-in gather gradient uses UnsortedSegmentSum, which
 *   the tfjs 4.22 WASM backend lacks, so training could not run there.
 * - `mm`: matMul whose gradient uses explicit transposes; autodiff's transposed-operand matMuls are 12-17× slower
 *   on WASM than a transpose followed by a plain matMul.
 * - `decoderLoss`: the tied decoder and full softmax cross-entropy (eq. 1) fused: the N × V logits are built in row
 *   chunks and their gradients reduced immediately, so memory stays O(chunk · V) instead of O(N · V) on the tape.
 *   On the WASM backend a chunk's softmax and its gradient are one SIMD kernel (decoderKernel.ts) between the matMuls;
 *   on WebGPU, WGSL programs (decoderKernelGpu.ts).
 */

/**
 * Whether tensors may be read back synchronously (dataSync) during a computation. Not on WebGPU: tfjs 4.22 reads
 * there through a WebGPU canvas, which headless Chromium on SwiftShader cannot allocate ("Could not find
 * SharedImageBackingFactory"): the read returns zeros and the device is then destroyed, so every later op yields
 * zeros. Elsewhere on WebGPU a synchronous read stalls the queue. WebGL, WASM and CPU read synchronously fine.
 */
export const canReadSync = (): boolean => tf.getBackend() !== 'webgpu';

/** A scalar's value, read back asynchronously (see canReadSync); the tensor is disposed. */
export async function readScalar(t: tf.Tensor): Promise<number> {
  const v = await t.data();
  t.dispose();
  return v[0];
}

// tf.customGrad's declared type takes a rest parameter of Tensor | GradSaveFunc; our closures name their inputs.
type GradFn = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
const customGrad = (
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  f: (...args: any[]) => { value: tf.Tensor; gradFunc: GradFn },
) => tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]);

/** rows of `table` at token ids; gradient scatters dy back (duplicates add). ids stay a typed array so the
 * backward pass does not depend on a tensor the forward scope has already disposed. */
export function lookup(table: tf.Tensor2D, ids: Int32Array): tf.Tensor2D {
  const f = customGrad((t: tf.Tensor) => {
    const value = tf.gather(t, tf.tensor1d(ids, 'int32')) as tf.Tensor2D;
    return {
      value,
      gradFunc: (dy: tf.Tensor) => tf.scatterND(tf.tensor2d(ids, [ids.length, 1], 'int32'), dy, t.shape),
    };
  });
  return f(table) as tf.Tensor2D;
}

/** a [.., m, k] @ b [k, n] (b rank 2), with explicit-transpose gradients. */
export function mm(a: tf.Tensor, b: tf.Tensor2D): tf.Tensor {
  const f = customGrad((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
    const k = x.shape[x.shape.length - 1] as number;
    const n = w.shape[1] as number;
    const y = tf.matMul(tf.reshape(x, [-1, k]) as tf.Tensor2D, w as tf.Tensor2D);
    save([x, w]);
    return {
      value: tf.reshape(y, [...x.shape.slice(0, -1), n]),
      gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => {
        const dy2 = tf.reshape(dy, [-1, n]) as tf.Tensor2D;
        const dx = tf.reshape(tf.matMul(dy2, tf.transpose(ws as tf.Tensor2D)), xs.shape);
        // dw = xᵀ dy, or (dyᵀ x)ᵀ when n > k: XNNPACK repacks the right operand on every call, so the long [M, ·]
        // operand on the right should be the narrower one (measured on [8192, 128] × [8192, 384]: 2.5× faster).
        const x2 = tf.reshape(xs, [-1, k]) as tf.Tensor2D;
        const dw = n > k ? tf.transpose(tf.matMul(tf.transpose(dy2), x2)) : tf.matMul(tf.transpose(x2), dy2);
        return [dx, dw];
      },
    };
  });
  return f(a, b);
}

/**
 * Σ_n w_n · (log Σ_y exp(h_n·E_y + b_y) − (h_n·E_{t_n} + b_{t_n})) / Σ_n w_n: the mean negative log-likelihood of
 * eq. 1 over the non-padding positions (target 0 = padding, weight 0). Returns a scalar; gradients for h, E, b are
 * computed chunk by chunk in the forward pass and scaled by dy.
 */
export function decoderLoss(
  h: tf.Tensor2D,
  emb: tf.Tensor2D,
  bias: tf.Tensor1D,
  target: Int32Array,
  chunkRows = 1024,
): tf.Scalar {
  const n = h.shape[0];
  let count = 0;
  for (let i = 0; i < n; i++) if (target[i] !== 0) count++;
  const denom = Math.max(1, count);
  // Only the non-padding rows reach the decoder (right padding is a third of the rows of an ML-1M-like batch): they
  // are gathered first and their gradient scattered back; a batch without padding skips both.
  const keep = count === n ? null : new Int32Array(count);
  const tKept = keep ? new Int32Array(count) : target;
  if (keep)
    for (let i = 0, k = 0; i < n; i++)
      if (target[i] !== 0) {
        keep[k] = i;
        tKept[k++] = target[i];
      }
  const kernel = decoderKernelReady() ? 'wasm' : decoderKernelGpuReady() ? 'webgpu' : null;
  const f = customGrad((hAll: tf.Tensor, e: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const hh = keep ? tf.tidy(() => tf.gather(hAll, tf.tensor1d(keep, 'int32'))) : hAll;
    const m = keep ? count : n;
    const eT = tf.transpose(e as tf.Tensor2D);
    const dhParts: tf.Tensor[] = [];
    let dE = tf.zerosLike(e);
    let dB = tf.zerosLike(b);
    let loss: tf.Tensor = tf.scalar(0);
    for (let r0 = 0; r0 < m; r0 += chunkRows) {
      const rows = Math.min(chunkRows, m - r0);
      const tChunk = tKept.subarray(r0, r0 + rows);
      const w = new Float32Array(rows);
      for (let i = 0; i < rows; i++) w[i] = tChunk[i] !== 0 ? 1 / denom : 0;
      const [l, dh, de, db] = tf.tidy(() => {
        const hc = tf.slice(hh, [r0, 0], [rows, -1]) as tf.Tensor2D;
        const tIds = tf.tensor1d(tChunk, 'int32');
        const wt = tf.tensor1d(w);
        if (kernel === 'wasm') {
          // bias, softmax, loss and ∂loss/∂logits = g (and gᵀ, Σ_rows g) in one WASM pass over the chunk.
          const [g, gT, db, lc] = softmaxXent(tf.matMul(hc, eT), b as tf.Tensor1D, tIds, wt);
          return [lc, tf.matMul(g, e as tf.Tensor2D), tf.matMul(gT, hc), db];
        }
        if (kernel === 'webgpu') {
          // The same on the GPU; dE = gᵀ hc with the transpose read in place by the matMul.
          const [g, db, lc] = softmaxXentGpu(tf.matMul(hc, eT), b as tf.Tensor1D, tIds, wt);
          return [lc, tf.matMul(g, e as tf.Tensor2D), tf.matMul(g, hc, true, false), db];
        }
        return chunkOps(hc, e as tf.Tensor2D, eT, b as tf.Tensor1D, tIds, wt);
      });
      dhParts.push(dh);
      const nl = tf.add(loss, l);
      const nE = tf.add(dE, de);
      const nB = tf.add(dB, db);
      tf.dispose([loss, l, dE, de, dB, db]);
      loss = nl;
      dE = nE;
      dB = nB;
    }
    let dH = dhParts.length === 0 ? tf.zerosLike(hh) : dhParts.length === 1 ? dhParts[0] : tf.concat(dhParts, 0);
    if (dhParts.length > 1) tf.dispose(dhParts);
    if (keep) {
      const kept = dH;
      dH = tf.tidy(() => tf.scatterND(tf.tensor2d(keep, [count, 1], 'int32'), kept, hAll.shape));
      tf.dispose([kept, hh]);
    }
    eT.dispose();
    save([dH, dE, dB]);
    return {
      value: loss as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => saved.map((s) => tf.mul(s, dy)),
    };
  });
  return f(h, emb, bias) as tf.Scalar;
}

/**
 * One chunk of decoderLoss in tfjs ops (every backend without its kernel): the loss Σ_r w_r·(lse_r − logit of
 * t_r) and the gradients for hc, E and b of that chunk, as [loss, dh, dE, db].
 */
function chunkOps(
  hc: tf.Tensor2D,
  e: tf.Tensor2D,
  eT: tf.Tensor2D,
  b: tf.Tensor1D,
  tIds: tf.Tensor1D,
  wt: tf.Tensor1D,
): tf.Tensor[] {
  const logits = tf.add(tf.matMul(hc, eT), b);
  // One exp over the [rows, V] logits: softmax = exp(logits − max) / Z and lse = max + log Z.
  const m = tf.max(logits, 1, true);
  const ex = tf.exp(tf.sub(logits, m));
  const z = tf.sum(ex, 1, true);
  const lse = tf.reshape(tf.add(m, tf.log(z)), [-1]);
  // The target's logit from its embedding row (a [rows, D] product), not a one-hot mask over all V columns.
  const eRows = tf.gather(e, tIds);
  const picked = tf.add(tf.sum(tf.mul(hc, eRows), 1), tf.gather(b, tIds));
  const lc = tf.sum(tf.mul(wt, tf.sub(lse, picked)));
  // ∂loss/∂logits = w · (softmax − onehot) = g − w·onehot with g = exp · (w / Z): the one-hot part is applied to
  // the [rows, D] and [V, D] results (rows of E gathered, rows of hc scattered), so the only [rows, V] passes
  // are one multiply and the transpose below, not a one-hot, a subtract and a divide as well.
  const wc = tf.reshape(wt, [-1, 1]);
  const g = tf.mul(ex, tf.div(wc, z)) as tf.Tensor2D;
  // dE = gᵀ hc with g transposed explicitly: measured faster on WASM than hcᵀ g (XNNPACK packs its right
  // operand per call, and a [rows, V] right operand costs more to pack than g costs to transpose).
  // db = Σ_rows g as a last-axis sum of the same gᵀ (a sum over axis 0 transposes internally on WASM).
  const gT = tf.transpose(g);
  const at = tf.reshape(tIds, [-1, 1]);
  const dh = tf.sub(tf.matMul(g, e), tf.mul(wc, eRows));
  const de = tf.sub(tf.matMul(gT, hc), tf.scatterND(at, tf.mul(wc, hc), e.shape));
  const db = tf.sub(tf.sum(gT, 1), tf.scatterND(at, wt, b.shape));
  return [lc, dh, de, db];
}
