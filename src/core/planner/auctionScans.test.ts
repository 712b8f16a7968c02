import { describe, expect, it } from 'vitest';
import { cheapestOutsiders, transpose } from './auctionScans';
import { solveAuction } from './auction';
import { createAuctionWorkspace } from './auctionState';
import { ItemHolders } from './itemHolders';
import { allocTransposed, kernelOf, f32Bound } from './scanKernel';
import { createRng } from '../util/rng';

describe("cheapestOutsiders: a raise's candidates, against sorting every outsider", () => {
  it.each([
    ['in JS', false],
    ['with the WASM SIMD block minima', true],
  ])(
    'keeps the `need` smallest (cost, user) among non-members, with ties, negative costs and short columns (%s)',
    (_, wasm) => {
      const r = createRng(5);
      const rng = () => r.next();
      for (let trial = 0; trial < 400; trial++) {
        const n = 1 + Math.floor(rng() * 150);
        const cols = 3;
        // Values on a coarse grid make ties (every other trial); costs fall on both sides of 0 as in a near-tight
        // auction. Off the grid, kth is not an f32, so the kernel's f32 rounding is exercised.
        const grid = trial % 2 === 0;
        const T = allocTransposed(n, cols, wasm);
        for (let i = 0; i < T.length; i++) T[i] = grid ? Math.round(rng() * 8) / 8 : rng();
        const kth = Float64Array.from({ length: n }, () => (grid ? Math.round(rng() * 16) / 16 : rng() * 1.2) - 0.25);
        const kern = kernelOf(T);
        expect(kern !== null).toBe(wasm);
        kern?.kth32.set(kth);
        // On a kernel the scan reads membership from the kernel's memory.
        const member = kern ? kern.member : new Uint8Array(n * cols);
        // Dense membership in some trials leaves whole 16-user blocks without an outsider.
        const pMember = trial % 5 === 0 ? 0.9 : 0.2;
        for (let i = 0; i < member.length; i++) member[i] = rng() < pMember ? 1 : 0;
        const y = Math.floor(rng() * cols);
        const col = y * n;
        const wy = trial % 3 === 0 ? 0 : Math.round(rng() * 4) / 8;
        const need = 1 + Math.floor(rng() * 12);
        const cost = new Float64Array(n);
        const users = new Int32Array(n);
        const c = cheapestOutsiders(member, col, kth, T, wy, n, need, cost, users, kern);

        const costOf = (x: number) => kth[x] - (T[col + x] + wy);
        const want = Array.from({ length: n }, (_, x) => x)
          .filter((x) => !member[col + x])
          .sort((a, b) => costOf(a) - costOf(b) || a - b)
          .slice(0, need)
          .sort((a, b) => a - b);
        expect(Array.from(users.subarray(0, c))).toEqual(want);
        expect(Array.from(cost.subarray(0, c))).toEqual(want.map(costOf));
      }
    },
  );

  it('makes the same choices in JS and on the kernel through a whole auction (same assignment, same prices)', () => {
    const r = createRng(21);
    const n = 300;
    const m = 120;
    // Coarse values make ties, which both scans must break alike.
    const data = Float32Array.from({ length: n * m }, () => Math.round(r.next() ** 3 * 64) / 64);
    // A cold solve, then two slider steps resumed in a workspace (the second from the live assignment).
    const solve = (kernel: boolean) => {
      const transposed = transpose(data, n, m, kernel);
      expect(kernelOf(transposed) !== null).toBe(kernel);
      const workspace = createAuctionWorkspace();
      const p = { data, transposed, nRows: n, nCols: m, K: 4, hi: Infinity };
      const cold = solveAuction({ ...p, lo: 8 }, { workspace });
      const one = solveAuction({ ...p, lo: 9 }, { workspace, resume: cold });
      const two = solveAuction({ ...p, lo: 10 }, { workspace, resume: one });
      // The workspace's bookkeeping agrees with the assignment: each choice's holder-list index names its user, the
      // lists hold exactly the choosers, membership bytes match.
      const st = workspace.state!;
      const choosers = Array.from({ length: m }, () => 0);
      for (let x = 0; x < n; x++) {
        for (let i = 0; i < 4; i++) {
          const y = st.choices.item[x * 4 + i];
          if (y < 0) continue;
          choosers[y]++;
          expect(st.holders.list(y)[st.choices.pos[x * 4 + i]]).toBe(x);
          expect(st.member[y * n + x]).toBe(1);
        }
      }
      expect(Array.from(st.holders.count)).toEqual(choosers);
      expect(st.member.reduce((a, b) => a + b, 0)).toBe(choosers.reduce((a, b) => a + b, 0));
      return [cold, one, two];
    };
    const js = solve(false);
    const wasm = solve(true);
    expect(js[0].raises + js[1].raises + js[2].raises).toBeGreaterThan(60);
    for (let i = 0; i < 3; i++) {
      expect(js[i].converged).toBe(true);
      expect(wasm[i].raises).toBe(js[i].raises);
      expect(Array.from(wasm[i].chosen)).toEqual(Array.from(js[i].chosen));
      expect(Array.from(wasm[i].w)).toEqual(Array.from(js[i].w));
    }
  });
});

describe('the WASM block minima (scanKernel.wat)', () => {
  it("writes each whole 16-user block's minimum of kth − T over its outsiders, against a brute force", () => {
    const r = createRng(11);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(r.next() * 120);
      const T = allocTransposed(n, 2);
      const kern = kernelOf(T)!;
      for (let i = 0; i < T.length; i++) T[i] = r.next();
      for (let x = 0; x < n; x++) kern.kth32[x] = r.next() + 0.6;
      const pMember = r.next();
      for (let i = 0; i < kern.member.length; i++) kern.member[i] = r.next() < pMember ? 1 : 0;
      const col = n; // the second column: its offsets are not multiples of 16 bytes when n is odd
      const nb = kern.blockMins(kern.tBase + 4 * col, kern.kBase, kern.mBase + col, n, kern.minsBase);
      expect(nb).toBe(Math.floor(n / 16));
      for (let b = 0; b < nb; b++) {
        let want = Infinity;
        for (let x = 16 * b; x < 16 * b + 16; x++)
          if (!kern.member[col + x]) want = Math.min(want, Math.fround(kern.kth32[x] - T[col + x]));
        expect(kern.mins[b]).toBe(want);
      }
    }
  });

  it('widens the bound past f32 rounding: a user just under the f64 bound stays under the f32 one', () => {
    for (const s of [0, 1e-9, -0.3, 0.7, 2.5, -4]) {
      const t = Math.fround(0.3);
      // kth − t sits at most one f64 step under s; kth itself is not an f32, and rounds up.
      const kth = s + t - Math.abs(s + t) * 2 ** -52 - 2 ** -60;
      expect(kth - t <= s).toBe(true);
      expect(Math.fround(Math.fround(kth) - t)).toBeLessThanOrEqual(f32Bound(s));
    }
  });
});

describe('ItemHolders', () => {
  it('matches a set per item through adds and removes, across list growth', () => {
    const r = createRng(9);
    const rng = () => r.next();
    const m = 5;
    const h = new ItemHolders(m);
    const model = Array.from({ length: m }, () => new Set<number>());
    for (let step = 0; step < 4000; step++) {
      const y = Math.floor(rng() * m);
      const x = Math.floor(rng() * 200);
      if (model[y].has(x)) {
        h.remove(y, x);
        model[y].delete(x);
      } else {
        h.add(y, x);
        model[y].add(x);
      }
    }
    for (let y = 0; y < m; y++) {
      expect(h.count[y]).toBe(model[y].size);
      expect(Array.from(h.list(y).subarray(0, h.count[y])).sort((a, b) => a - b)).toEqual(
        [...model[y]].sort((a, b) => a - b),
      );
    }
    expect(() => h.remove(0, 1000)).toThrow(/does not hold/);
    // removeAt: the last holder moves into the freed index and is returned (−1 when the last one left).
    const y = [0, 1, 2, 3, 4].find((k) => h.count[k] >= 3)!;
    const before = Array.from(h.list(y).subarray(0, h.count[y]));
    expect(h.removeAt(y, 0)).toBe(before[before.length - 1]);
    expect(Array.from(h.list(y).subarray(0, h.count[y]))).toEqual([before[before.length - 1], ...before.slice(1, -1)]);
    expect(h.removeAt(y, h.count[y] - 1)).toBe(-1);
    expect(h.count[y]).toBe(before.length - 2);
    expect(h.add(y, 999)).toBe(before.length - 2);
    h.clear();
    expect(Array.from(h.count)).toEqual([0, 0, 0, 0, 0]);
  });
});
