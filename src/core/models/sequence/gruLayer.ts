import * as tf from '@tensorflow/tfjs-core';

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
  /** Number of rows of the batch (rows without an entry included: they keep their state). */
  rows: number;
  /** Total entries Σ lengths. */
  entries: number;
}

/**
 * Steps t0 … t0 + steps − 1 of rows of the given lengths, packed (a row of length L runs at steps t < L). The sort
 * order depends on the lengths only, so the windows of one batch share it and a state in sorted order carries over.
 */
export function packSteps(lengths: Int32Array, t0 = 0, steps = Math.max(0, ...lengths) - t0): PackedSequences {
  const B = lengths.length;
  const order = Int32Array.from({ length: B }, (_, i) => i).sort((a, b) => lengths[b] - lengths[a] || a - b);
  const batchSizes = new Int32Array(Math.max(0, steps));
  for (let r = 0; r < B; r++) for (let s = 0; s < steps && t0 + s < lengths[r]; s++) batchSizes[s]++;
  const stepStart = new Int32Array(batchSizes.length + 1);
  for (let s = 0; s < batchSizes.length; s++) stepStart[s + 1] = stepStart[s] + batchSizes[s];
  return { order, batchSizes, stepStart, rows: B, entries: stepStart[batchSizes.length] };
}

/**
 * Packs rows of given lengths; `item(row, s)` gives item s (oldest first) of a row. Returns the layout and the packed
 * item ids.
 */
export function packSequences(
  lengths: Int32Array,
  item: (row: number, s: number) => number,
): { packed: PackedSequences; ids: Int32Array } {
  const packed = packSteps(lengths);
  const { order, batchSizes, stepStart } = packed;
  const ids = new Int32Array(packed.entries);
  for (let s = 0; s < batchSizes.length; s++)
    for (let k = 0; k < batchSizes[s]; k++) ids[stepStart[s] + k] = item(order[k], s);
  return { packed, ids };
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

const newTape = (E: number, H: number): GruTape => ({
  r: new Float32Array(E * H),
  z: new Float32Array(E * H),
  n: new Float32Array(E * H),
  hn: new Float32Array(E * H),
  hPrevT: new Float32Array(H * E),
});

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

/** a [m, k] · b [k, n] of a typed array and a tensor through a tfjs matMul, read back outside any tidy (a tidy walks
 * what its function returns, key by key: on a typed array that walk costs more than the product). */
function prod(a: Float32Array, m: number, k: number, b: tf.Tensor2D): Float32Array {
  const t = tf.tidy(() => tf.matMul(tf.tensor2d(a, [m, k]), b));
  const v = t.dataSync() as Float32Array;
  t.dispose();
  return v;
}

/** Sorted rows (PackedSequences.order) of a batch-order [rows × H] array, or back (`toBatch`). */
export function permuteRows(a: Float32Array, order: Int32Array, H: number, toBatch: boolean): Float32Array {
  const o = new Float32Array(order.length * H);
  for (let k = 0; k < order.length; k++)
    if (toBatch) o.set(a.subarray(k * H, (k + 1) * H), order[k] * H);
    else o.set(a.subarray(order[k] * H, (order[k] + 1) * H), k * H);
  return o;
}

/**
 * Runs the steps of `p` from the sorted state h (updated in place) over the input-side pre-activations xw
 * [entries × 3H]; fills the tape and, when given, `out` [entries × H] with the state after each entry.
 */
function runForward(
  xw: Float32Array,
  h: Float32Array,
  wh: tf.Tensor2D,
  bh: Float32Array,
  p: PackedSequences,
  tape: GruTape,
  out: Float32Array | null,
): void {
  const H = wh.shape[0];
  for (let s = 0; s < p.batchSizes.length; s++) {
    const m = p.batchSizes[s];
    if (m === 0) break;
    const hw = prod(h.subarray(0, m * H), m, H, wh);
    forwardStep(h, xw, hw, bh, tape, p.stepStart[s], m, H, p.entries);
    if (out) out.set(h.subarray(0, m * H), p.stepStart[s] * H);
  }
}

/**
 * States of a GRU layer (torch.nn.GRU gate order r, z, n; the formulas of gru.ts) over packed sequences, forward only
 * (inference): from the input-side pre-activations xw = W_i x + b_i [entries × 3H] and the sorted state h [rows × H]
 * (updated in place to the state after each row's last entry). Returns the state after each entry [entries × H].
 */
export function gruForward(
  xw: Float32Array,
  h: Float32Array,
  wh: tf.Tensor2D,
  bh: Float32Array,
  p: PackedSequences,
): Float32Array {
  const H = wh.shape[0];
  const out = new Float32Array(p.entries * H);
  runForward(xw, h, wh, bh, p, newTape(p.entries, H), out);
  return out;
}

/** What gruLayer returns besides the tensor: the final state of each row in batch order [rows × H] (no gradient). */
export interface GruLayerOptions {
  /** Initial state [rows, H] in batch order: a tensor is differentiated, plain numbers are a constant; absent: 0. */
  h0?: tf.Tensor2D | Float32Array;
  /** 'all': the state after every entry, packed [entries, H]; 'final': each row's last state in batch order [rows, H]
   * (a row without entries keeps h0). */
  output: 'all' | 'final';
  /** Receives the final state of each row in batch order [rows × H], as plain numbers (no gradient). */
  onFinal?: (h: Float32Array) => void;
}

/**
 * A GRU layer (torch.nn.GRU gate order r, z, n; the formulas of gru.ts) over packed sequences as one custom-gradient
 * op with a hand-written backward pass through time: x [entries, D] are the packed step inputs, wi [D, 3H],
 * bi [3H], wh [H, 3H], bh [3H].
 *
 * Why: a GRU step of tfjs ops is about twenty kernels forward and forty backward (splits, adds, gates, masks), and on
 * the WASM backend every kernel costs a fixed overhead far above the arithmetic of a [64, 128] state. Here the gate
 * arithmetic runs in JS on typed arrays and only the products go to tfjs matMuls: one input projection over all
 * entries, one state product per step forward and one per step backward (over the rows still running), and three
 * for the weight and input gradients. Packing skips the padding as PyTorch's packed GRU does. It needs synchronous
 * reads (WASM, CPU, WebGL); on WebGPU callers run per-step ops instead (ops.ts: canReadSync).
 */
export function gruLayer(
  x: tf.Tensor2D,
  wi: tf.Tensor2D,
  bi: tf.Tensor,
  wh: tf.Tensor2D,
  bh: tf.Tensor,
  p: PackedSequences,
  opts: GruLayerOptions,
): tf.Tensor2D {
  const H = wh.shape[0];
  const G = 3 * H;
  const { order, batchSizes, stepStart, rows: B, entries: E } = p;
  const S = batchSizes.length;
  const all = opts.output === 'all';
  const f = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [xx, wiT, biT, whT, bhT] = args as tf.Tensor[];
    const h0T = args.length === 7 ? (args[5] as tf.Tensor) : null;
    // Variables are read directly in the backward pass; other inputs are saved (the forward scope may free them).
    const inputs = [xx, wiT, whT];
    save(inputs.filter((t) => !(t instanceof tf.Variable)));
    const xwT = tf.tidy(() => tf.add(tf.matMul(xx as tf.Tensor2D, wiT as tf.Tensor2D), biT));
    const xw = xwT.dataSync() as Float32Array;
    xwT.dispose();
    const bhv = bhT.dataSync() as Float32Array;
    const tape = newTape(E, H);
    const h0v = h0T ? (h0T.dataSync() as Float32Array) : opts.h0 instanceof Float32Array ? opts.h0 : null;
    const h = h0v ? permuteRows(h0v, order, H, false) : new Float32Array(B * H);
    const out = all ? new Float32Array(E * H) : null;
    runForward(xw, h, whT as tf.Tensor2D, bhv, p, tape, out);
    const last = permuteRows(h, order, H, true);
    opts.onFinal?.(last);
    return {
      value: out ? tf.tensor2d(out, [E, H]) : tf.tensor2d(last, [B, H]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        let k = 0;
        const [xs, wis, whs] = inputs.map((t) => (t instanceof tf.Variable ? t : saved[k++])) as tf.Tensor2D[];
        const dXW = new Float32Array(E * G);
        const dHW = new Float32Array(E * G);
        const dbi = new Float64Array(G),
          dbh = new Float64Array(G);
        const dyv = dy.dataSync() as Float32Array;
        // ∂L/∂h of the sorted rows: from each entry's output ('all') or from the final states ('final').
        const dh = all ? new Float32Array(B * H) : permuteRows(dyv, order, H, false);
        const whTransposed = tf.transpose(whs);
        for (let s = S - 1; s >= 0; s--) {
          const m = batchSizes[s],
            e0 = stepStart[s];
          if (m === 0) continue;
          if (all) for (let i = 0, o = e0 * H; i < m * H; i++) dh[i] += dyv[o + i];
          backwardStep(dh, tape, dXW, dHW, dbi, dbh, e0, m, H, E);
          if (s === 0 && !h0T) break; // the state before step 0 is a constant
          const back = prod(dHW.subarray(e0 * G, (e0 + m) * G), m, G, whTransposed);
          for (let i = 0; i < m * H; i++) dh[i] += back[i];
        }
        whTransposed.dispose();
        // Weight gradients as one product each over all entries; ∂W_i = (dXWᵀ x)ᵀ keeps the narrower operand on the
        // right (XNNPACK repacks its right operand per call: ops.ts, mm).
        return tf.tidy(() => {
          const dXWt = tf.tensor2d(dXW, [E, G]);
          const grads = [
            tf.matMul(dXWt, tf.transpose(wis)),
            tf.transpose(tf.matMul(tf.transpose(dXWt), xs)),
            tf.tensor1d(Float32Array.from(dbi)),
            tf.matMul(tf.tensor2d(tape.hPrevT, [H, E]), tf.tensor2d(dHW, [E, G])),
            tf.tensor1d(Float32Array.from(dbh)),
          ];
          if (h0T) grads.push(tf.tensor2d(permuteRows(dh, order, H, true), [B, H]));
          return grads;
        });
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const h0 = opts.h0 instanceof tf.Tensor ? opts.h0 : null;
  return (h0 ? f(x, wi, bi, wh, bh, h0) : f(x, wi, bi, wh, bh)) as tf.Tensor2D;
}
