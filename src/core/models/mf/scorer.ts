import type { EvalSet } from '../../data/types';
import type { Rng } from '../../util/rng';
import { factoredScores, type Activation } from '../factored';
import type { Scorer } from '../types';

/** Fitted factors of a timeless MF model: score(u, i) = f(U_u · V_i + userBias_u + itemBias_i). */
export interface MfFactors {
  nUsers: number;
  nItems: number;
  dim: number;
  /** nUsers × dim, row-major. */
  U: Float32Array;
  /** nItems × dim, row-major. */
  V: Float32Array;
  userBias?: Float32Array;
  itemBias?: Float32Array;
}

/**
 * A Scorer over (EvalSet rows × all items): row r uses the factors of user rows.users[r] (fitted on training events
 * only; the row's history end and test start are ignored because MF is timeless). Scores stay factored
 * (models/factored, paper appendix C.2): only the rows' user factors are gathered, O(rows · D) memory.
 */
export function mfScorer(name: string, f: MfFactors, act: Activation): Scorer {
  return {
    name,
    scores(rows: EvalSet) {
      const n = rows.users.length;
      const D = f.dim;
      const U = new Float32Array(n * D);
      const rowBias = f.userBias ? new Float32Array(n) : undefined;
      for (let r = 0; r < n; r++) {
        const u = rows.users[r];
        U.set(f.U.subarray(u * D, (u + 1) * D), r * D);
        if (rowBias && f.userBias) rowBias[r] = f.userBias[u];
      }
      return Promise.resolve(
        factoredScores({ nRows: n, nCols: f.nItems, dim: D, U, V: f.V, rowBias, colBias: f.itemBias, act }),
      );
    },
  };
}

/** Small Gaussian initialisation N(0, std²) of an n × D factor matrix, drawn from the passed Rng. */
export function initFactors(n: number, D: number, std: number, rng: Rng): Float32Array {
  const a = new Float32Array(n * D);
  for (let k = 0; k < a.length; k++) a[k] = std * rng.normal();
  return a;
}

/**
 * Yields to the host's event loop (a macrotask) so a worker can receive an abort message between epochs.
 * core compiles without DOM/Node types, so setTimeout is looked up on globalThis; without one this is a microtask.
 */
export function tick(): Promise<void> {
  const st = (globalThis as { setTimeout?: (f: () => void, ms: number) => unknown }).setTimeout;
  return new Promise((resolve) => (st ? st(resolve, 0) : resolve()));
}

/** Wall-clock milliseconds (Date.now: available in every realm core runs in). */
export const nowMs = (): number => Date.now();
