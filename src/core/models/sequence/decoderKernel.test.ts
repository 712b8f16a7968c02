import { describe, expect, it } from 'vitest';
import { DECODER_KERNEL_SHARED_WASM, DECODER_KERNEL_WASM } from './decoderKernel.bytes';
import { randNormal, xentReference as reference } from './testing.fixtures';

/** The WebAssembly API as far as used here (the Node lib declares the namespace's types only). */
const WA = (
  globalThis as unknown as {
    WebAssembly: {
      Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => { buffer: ArrayBufferLike };
      Module: new (bytes: Uint8Array) => object;
      Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
    };
  }
).WebAssembly;

/** The kernel on a memory of its own (the tfjs backend's is tested in ops.wasm.test.ts). */
function kernelOn(shared: boolean) {
  const memory = shared ? new WA.Memory({ initial: 64, maximum: 65536, shared: true }) : new WA.Memory({ initial: 64 });
  const mod = new WA.Module(shared ? DECODER_KERNEL_SHARED_WASM : DECODER_KERNEL_WASM);
  const xent = new WA.Instance(mod, { env: { memory } }).exports.xent as (...a: number[]) => void;
  /** Lays out the inputs at 8-byte-aligned offsets (the kernel reads vectors unaligned), runs, reads back. */
  return (L: Float32Array, bias: Float32Array, t: Int32Array, w: Float32Array, R: number, V: number) => {
    let at = 8;
    const place = (n: number) => {
      const o = at;
      at += n * 4 + 8;
      return o;
    };
    const [lo, go, gto, bo, to, wo, dbo, so] = [R * V, R * V, V * R, V, R, R, V, R * 4].map(place);
    const f32 = (o: number, n: number) => new Float32Array(memory.buffer, o, n);
    f32(lo, R * V).set(L);
    f32(bo, V).set(bias);
    new Int32Array(memory.buffer, to, R).set(t);
    f32(wo, R).set(w);
    xent(lo, go, gto, bo, to, wo, dbo, so, R, V);
    return { g: f32(go, R * V), gT: f32(gto, V * R), db: f32(dbo, V), stats: f32(so, R * 4), logits: f32(lo, R * V) };
  };
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

describe('decoder kernel (WASM SIMD softmax cross-entropy of one logit chunk)', () => {
  // Shapes around the kernel's blocks: rows in 16s, 4s and ones, columns in 4s and a scalar tail.
  const shapes: [number, number][] = [
    [1, 1],
    [3, 5],
    [4, 4],
    [16, 8],
    [17, 37],
    [37, 130],
    [64, 203],
  ];
  for (const shared of [false, true])
    for (const [R, V] of shapes)
      it(`${shared ? 'shared' : 'plain'} memory, ${R} rows × ${V}: gradient, its transpose, column sums, loss`, () => {
        const seed = R * 1000 + V;
        // Logits spread ±20 around an offset of 50 (the max is subtracted before exp), and a zero-weight row.
        const L = randNormal(R * V, seed).map((v) => 50 + 20 * v);
        const bias = randNormal(V, seed + 1);
        const t = Int32Array.from({ length: R }, (_, r) => (r * 7 + 3) % V);
        const w = Float32Array.from({ length: R }, (_, r) => (r === 1 ? 0 : 0.5 + (r % 3) / 4));
        const got = kernelOn(shared)(L, bias, t, w, R, V);
        const ref = reference(L, bias, t, w, R, V);
        // |error| ≤ 1e-6 per gradient entry (each is w·(p − [y = t]) with w ≤ 1): f32 exp and sums of ≤ 203 terms.
        expect(maxDiff(got.g, ref.g)).toBeLessThan(1e-6);
        for (let r = 0; r < R; r++) for (let y = 0; y < V; y++) expect(got.gT[y * R + r]).toBe(got.g[r * V + y]);
        expect(maxDiff(got.db, ref.db)).toBeLessThan(1e-5);
        // The loss the caller forms from the row statistics (m, Z, target logit, w/Z).
        let loss = 0;
        for (let r = 0; r < R; r++) {
          const [m, z, x, s] = got.stats.subarray(4 * r, 4 * r + 4);
          expect(m + Math.log(z)).toBeCloseTo(ref.lse[r], 4);
          expect(x).toBeCloseTo(ref.xt[r], 4);
          expect(s).toBeCloseTo(w[r] / z, 7);
          loss += w[r] * (m + Math.log(z) - x);
        }
        expect(Math.abs(loss - ref.loss)).toBeLessThan(1e-6 * Math.max(1, ref.loss));
        // The logits are read only.
        expect(got.logits).toEqual(L);
      });

  it('exp over a row that spans [−100, 0] below its maximum: within 4e-7 relative down to e^−80, ~0 below e^−87', () => {
    const V = 4001;
    const L = Float32Array.from({ length: V }, (_, y) => -100 + (100 * y) / (V - 1));
    const got = kernelOn(false)(L, new Float32Array(V), Int32Array.of(0), Float32Array.of(1), 1, V);
    const [m, z, , s] = got.stats;
    expect(m).toBe(0);
    // e^(x − m) = g / s for every column but the target's (column 0); below e^−80 g = e·s is subnormal in f32 and
    // keeps fewer bits, and below −87.34 the kernel's exp stops at 2^−126.
    for (let y = 1; y < V; y++) {
      const e = got.g[y] / s;
      const exact = Math.exp(L[y] - m);
      if (L[y] >= -80) expect(Math.abs(e - exact) / exact).toBeLessThan(4e-7);
      else expect(Math.abs(e - exact)).toBeLessThan(2e-38 + 1e-4 * exact);
    }
    expect(z).toBeCloseTo(1 / (1 - Math.exp(-100 / (V - 1))), 2);
  });
});
