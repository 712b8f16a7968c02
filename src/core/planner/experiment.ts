/**
 * The `mtch_` part of an experiment (paper section 5.2 and appendix F): per model, a β sweep at α = K/items
 * (the ItemRec top-K as a fraction, 1% by default) and an α sweep with item maximal exposure β' = 1%, each point in
 * rime's field names. Scores of history items are zeroed when the rows exclude training items, as for ItemRec.
 */
import type { Csr } from '../data/types';
import type { RowMask } from '../metrics/mask';
import { applyMask } from '../metrics/mask';
import type { ScoreSource } from '../models/scores';
import type { StopSignal } from '../util/abort';
import type { OnlineDecision } from './online';
import { sweepAlpha, sweepBeta } from './sweep';
import type { PlannerMode, SweepPoint } from './types';

/** Item maximal exposure of the α sweep (appendix F: β = 1% as an upper bound). */
export const ALPHA_SWEEP_BETA_MAX = 0.01;

export interface MatchRequest {
  /** Item minimal exposures β (fractions of test rows), swept at α = topK / items. */
  betas: number[];
  /** User capacities α (fractions of items), swept with β' = 1%. */
  alphas: number[];
  mode: PlannerMode;
}

/** A ScoreSource with masked entries set to 0 (history items when the rows exclude training items). */
export function maskedScores(src: ScoreSource, mask: RowMask | null): ScoreSource {
  if (!mask) return src;
  return {
    nRows: src.nRows,
    nCols: src.nCols,
    fillRows(r0, r1, out) {
      src.fillRows(r0, r1, out);
      applyMask(mask, r0, r1, src.nCols, out);
    },
  };
}

/**
 * Both sweeps for one model. β values above α are skipped (they ask for more exposures than the capacity holds) and
 * reported in `skipped`. α-sweep points carry `betaMax`.
 */
export function matchSweeps(
  test: ScoreSource,
  target: Csr,
  req: MatchRequest,
  opts: {
    topK: number;
    valid?: ScoreSource;
    signal?: StopSignal;
    /** Item maximal exposure β' of the α sweep; default ALPHA_SWEEP_BETA_MAX. */
    betaMax?: number;
    /** Online mode's decision rule (online.ts); default rounded. */
    decision?: OnlineDecision;
  },
): { points: SweepPoint[]; skipped: string[] } {
  const alpha = opts.topK / test.nCols;
  const skipped: string[] = [];
  const betas = req.betas.filter((b) => {
    if (b <= alpha) return true;
    skipped.push(`β = ${b} > α = ${alpha.toPrecision(3)} (top-${opts.topK} of ${test.nCols} items)`);
    return false;
  });
  const sOpts = { valid: opts.valid, signal: opts.signal, decision: opts.decision };
  const points = betas.length ? sweepBeta(test, alpha, betas, req.mode, target, sOpts) : [];
  const alphas = req.alphas.filter((a) => {
    if (a > 0) return true;
    skipped.push(`α = ${a} (no capacity)`);
    return false;
  });
  if (alphas.length) {
    const betaMax = opts.betaMax ?? ALPHA_SWEEP_BETA_MAX;
    for (const p of sweepAlpha(test, alphas, betaMax, req.mode, target, sOpts)) points.push({ ...p, betaMax });
  }
  return { points, skipped };
}
