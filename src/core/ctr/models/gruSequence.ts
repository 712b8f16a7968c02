import * as tf from '@tensorflow/tfjs-core';
import { restored, savable } from './ops';

/**
 * Variable-length sequences packed step-major, like PyTorch's PackedSequence: rows sorted by length (longest first),
 * step s holds item s of the batchSizes[s] rows that are that long, so the rows of a step are a prefix of the sorted
 * rows. Entry e of step s and sorted row k sits at stepStart[s] + k.
 */
export interface PackedSequences {
  /** Sorted position → row of the batch. */
  order: Int32Array;
  /** Rows still running at each step (non-increasing). */
  batchSizes: Int32Array;
  stepStart: Int32Array;
  /** Number of rows of the batch (rows of length 0 included: they keep h = 0). */
  rows: number;
  /** Total entries Σ lengths. */
  entries: number;
}

/**
 * Packs rows of given lengths; `item(row, s)` gives item s (oldest first) of a row. Returns the layout and the packed
 * item ids.
 */
export function packSequences(
  lengths: Int32Array,
  item: (row: number, s: number) => number,
): { packed: PackedSequences; ids: Int32Array } {
  const B = lengths.length;
  const order = Int32Array.from({ length: B }, (_, i) => i).sort((a, b) => lengths[b] - lengths[a] || a - b);
  const steps = B ? lengths[order[0]] : 0;
  const batchSizes = new Int32Array(steps);
  for (let r = 0; r < B; r++) for (let s = 0; s < lengths[r]; s++) batchSizes[s]++;
  const stepStart = new Int32Array(steps + 1);
  for (let s = 0; s < steps; s++) stepStart[s + 1] = stepStart[s] + batchSizes[s];
  const ids = new Int32Array(stepStart[steps]);
  for (let s = 0; s < steps; s++) for (let k = 0; k < batchSizes[s]; k++) ids[stepStart[s] + k] = item(order[k], s);
  return { packed: { order, batchSizes, stepStart, rows: B, entries: stepStart[steps] }, ids };
}

/** σ(a) with one exp. */
const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));
/** tanh(a) = 2σ(2a) − 1: one exp (V8's Math.tanh is several times slower). */
const tanh = (a: number) => 2 / (1 + Math.exp(-2 * a)) - 1;

/** What the forward pass keeps per packed entry for the backward pass ([entries × H] each; hPrevT is [H × entries]). */
interface GruTape {
  r: Float32Array;
  z: Float32Array;
  n: Float32Array;
  /** The state-side candidate term W_hn h + b_hn. */
  hn: Float32Array;
  /** The state before each entry, transposed (the left operand of ∂W_h, and read column-wise here). */
  hPrevT: Float32Array;
}

/**
 * One forward step over the m running rows: h (sorted rows) ← GRU(h, x), from the input-side pre-activations
 * xw [entries × 3H] and the state product hw = h W_h [m × 3H] (its bias bh added here). Hot loop, kept monomorphic.
 */
function forwardStep(
  h: Float32Array,
  xw: Float32Array,
  hw: Float32Array,
  bh: Float32Array,
  tape: GruTape,
  e0: number,
  m: number,
  H: number,
  E: number,
): void {
  const G = 3 * H;
  const { r, z, n, hn, hPrevT } = tape;
  for (let k = 0; k < m; k++) {
    const xo = (e0 + k) * G,
      ho = k * G,
      eo = (e0 + k) * H,
      so = k * H;
    for (let j = 0; j < H; j++) {
      const hp = h[so + j];
      const rj = sigmoid(xw[xo + j] + hw[ho + j] + bh[j]);
      const zj = sigmoid(xw[xo + H + j] + hw[ho + H + j] + bh[H + j]);
      const hnj = hw[ho + 2 * H + j] + bh[2 * H + j];
      const nj = tanh(xw[xo + 2 * H + j] + rj * hnj);
      r[eo + j] = rj;
      z[eo + j] = zj;
      n[eo + j] = nj;
      hn[eo + j] = hnj;
      hPrevT[j * E + e0 + k] = hp;
      h[so + j] = nj + zj * (hp - nj);
    }
  }
}

/**
 * One backward step over the m rows running at it: from ∂L/∂h (dh, sorted rows) fills the pre-activation gradients
 * of its entries (dXW input side, dHW state side, [entries × 3H]), adds them into the bias gradients dbi and dbh,
 * and leaves in dh the direct part z ⊙ ∂L/∂h of ∂L/∂h_prev (the caller adds dHW W_hᵀ).
 */
function backwardStep(
  dh: Float32Array,
  tape: GruTape,
  dXW: Float32Array,
  dHW: Float32Array,
  dbi: Float64Array,
  dbh: Float64Array,
  e0: number,
  m: number,
  H: number,
  E: number,
): void {
  const G = 3 * H;
  const { r, z, n, hn, hPrevT } = tape;
  for (let k = 0; k < m; k++) {
    const eo = (e0 + k) * H,
      go = (e0 + k) * G,
      so = k * H;
    for (let j = 0; j < H; j++) {
      const g = dh[so + j];
      const rj = r[eo + j],
        zj = z[eo + j],
        nj = n[eo + j];
      const dan = g * (1 - zj) * (1 - nj * nj);
      const daz = g * (hPrevT[j * E + e0 + k] - nj) * zj * (1 - zj);
      const dar = dan * hn[eo + j] * rj * (1 - rj);
      dh[so + j] = g * zj;
      dXW[go + j] = dar;
      dXW[go + H + j] = daz;
      dXW[go + 2 * H + j] = dan;
      dHW[go + j] = dar;
      dHW[go + H + j] = daz;
      dHW[go + 2 * H + j] = dan * rj;
      dbi[j] += dar;
      dbi[H + j] += daz;
      dbi[2 * H + j] += dan;
      dbh[j] += dar;
      dbh[H + j] += daz;
      dbh[2 * H + j] += dan * rj;
    }
  }
}

/**
 * The final state h [rows, H] of a GRU (torch gate order r, z, n; the formulas of core/models/sequence/gru.ts) run
 * from h = 0 over each row's packed sequence (a row of length 0 keeps h = 0), as one custom-gradient op with a
 * hand-written backward pass through time. x [entries, D] are the packed step inputs.
 *
 * Why: a GRU step of tfjs ops is about twenty kernels forward and forty backward (splits, adds, gates, masks), and on
 * the WASM backend every kernel costs a fixed overhead far above the arithmetic of a [256, 32] state. Here the gate
 * arithmetic runs in JS on typed arrays and only the products go to tfjs matMuls: one input projection over all
 * entries, one state product per step forward and one per step backward (over the rows still running), and three
 * for the weight and input gradients. Packing skips the padding as PyTorch's packed GRU does. It needs
 * synchronous reads (WASM, CPU, WebGL); on WebGPU the caller runs per-step ops instead (sequence/ops.ts: canReadSync).
 */
export function gruPacked(
  x: tf.Tensor2D,
  wi: tf.Tensor2D,
  bi: tf.Tensor,
  wh: tf.Tensor2D,
  bh: tf.Tensor,
  p: PackedSequences,
): tf.Tensor2D {
  const H = wh.shape[0];
  const G = 3 * H;
  const { order, batchSizes, stepStart, rows: B, entries: E } = p;
  const S = batchSizes.length;
  /** a [m, k] · b [k, n] of a typed array and a tensor through a tfjs matMul, read back outside any tidy. */
  const prod = (a: Float32Array, m: number, k: number, b: tf.Tensor2D): Float32Array => {
    const t = tf.tidy(() => tf.matMul(tf.tensor2d(a, [m, k]), b));
    const v = t.dataSync() as Float32Array;
    t.dispose();
    return v;
  };
  const f = tf.customGrad(((
    xx: tf.Tensor,
    wiT: tf.Tensor,
    biT: tf.Tensor,
    whT: tf.Tensor,
    bhT: tf.Tensor,
    save: tf.GradSaveFunc,
  ) => {
    // The backward pass reads its tensors from `save` (the forward scope may have freed the inputs by then), or
    // directly where they are variables (ops.ts: savable).
    save(savable(xx, wiT, whT));
    const xwT = tf.tidy(() => tf.add(tf.matMul(xx as tf.Tensor2D, wiT as tf.Tensor2D), biT));
    const xw = xwT.dataSync() as Float32Array;
    xwT.dispose();
    const bhv = bhT.dataSync() as Float32Array;
    const tape: GruTape = {
      r: new Float32Array(E * H),
      z: new Float32Array(E * H),
      n: new Float32Array(E * H),
      hn: new Float32Array(E * H),
      hPrevT: new Float32Array(H * E),
    };
    const h = new Float32Array(B * H); // sorted rows
    for (let s = 0; s < S; s++) {
      const m = batchSizes[s];
      forwardStep(h, xw, prod(h.subarray(0, m * H), m, H, whT as tf.Tensor2D), bhv, tape, stepStart[s], m, H, E);
    }
    const out = new Float32Array(B * H);
    for (let k = 0; k < B; k++) out.set(h.subarray(k * H, (k + 1) * H), order[k] * H);
    return {
      value: tf.tensor2d(out, [B, H]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, wis, whs] = restored(saved, xx, wiT, whT);
        const dXW = new Float32Array(E * G);
        const dHW = new Float32Array(E * G);
        const dbi = new Float64Array(G),
          dbh = new Float64Array(G);
        const dyv = dy.dataSync() as Float32Array;
        const dh = new Float32Array(B * H); // sorted rows
        for (let k = 0; k < B; k++) dh.set(dyv.subarray(order[k] * H, (order[k] + 1) * H), k * H);
        const whTransposed = tf.transpose(whs as tf.Tensor2D);
        for (let s = S - 1; s >= 0; s--) {
          const m = batchSizes[s],
            e0 = stepStart[s];
          backwardStep(dh, tape, dXW, dHW, dbi, dbh, e0, m, H, E);
          if (s === 0) break; // the state before step 0 is the constant 0
          const back = prod(dHW.subarray(e0 * G, (e0 + m) * G), m, G, whTransposed);
          for (let i = 0; i < m * H; i++) dh[i] += back[i];
        }
        whTransposed.dispose();
        // Weight gradients as one product each over all entries.
        return tf.tidy(() => {
          const dXWt = tf.tensor2d(dXW, [E, G]);
          return [
            tf.matMul(dXWt, tf.transpose(wis as tf.Tensor2D)),
            tf.matMul(tf.transpose(xs as tf.Tensor2D), dXWt),
            tf.tensor1d(Float32Array.from(dbi)),
            tf.matMul(tf.tensor2d(tape.hPrevT, [H, E]), tf.tensor2d(dHW, [E, G])),
            tf.tensor1d(Float32Array.from(dbh)),
          ];
        });
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x, wi, bi, wh, bh) as tf.Tensor2D;
}
