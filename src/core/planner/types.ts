/**
 * The planner's shared shapes (paper section 4, Algorithm 1, eqs. 8-15). Producers: core/planner (solvers, sweeps).
 * Consumers: the planner worker, the CLI (`rimw dual`, `mtch_` of `rimw run`), the UI.
 *
 * Problem (eq. 9): max Σ λ_xy π_xy  s.t.  Σ_y π_xy ≤ α·n_items (user capacity),
 *                                        Σ_x π_xy ≥ β·n_users (item minimal exposure),
 *                                        optionally Σ_x π_xy ≤ β'·n_users (item maximal exposure, α sweep).
 * α and β are fractions, as in the paper; a solver turns them into per-row and per-column counts.
 */
import type { Csr } from '../data/types';

/** greedy: the reference's greedy offline assignment; offline: Dual on the test rows; online: v from validation rows. */
export type PlannerMode = 'greedy' | 'offline' | 'online';

export interface MatchSettings {
  /** User capacity as a fraction of items (α = K / n_items for top-K ItemRec). */
  alpha: number;
  /** Item minimal exposure as a fraction of users (0 ≤ β ≤ α). */
  beta: number;
  /** Optional item maximal exposure as a fraction of users (top-C UserRec; the α sweep of appendix F). */
  betaMax?: number;
}

/** Dual variables (eq. 13): u per row (user state), v per column (item). Warm-start input and solve output. */
export interface DualState {
  u: Float64Array;
  v: Float64Array;
  /** The ε the state was solved at (annealing resumes from here when warm-started). */
  eps: number;
  /**
   * The row capacity K (items per row) u was solved for, when the annealed solve made the state. A warm start at
   * another K keeps v only: u is then far from its roots, and sweeps resumed near the final ε stall with rows far over
   * their capacity.
   */
  rowK?: number;
  /**
   * The offline auction's assignment (exact.ts): K chosen items per row (−1: empty), the boosts w = −v, and the
   * minimal exposure `lo` (users) it met. A solve at the same K and a larger `lo` resumes from it.
   */
  auction?: { K: number; lo: number; chosen: Int32Array; values?: Float64Array; w: Float64Array };
}

/** Hard decisions: row r gets columns indices[indptr[r] .. indptr[r+1]). */
export interface Assignment {
  nRows: number;
  nCols: number;
  indptr: Int32Array;
  indices: Int32Array;
}

export interface MatchSolution {
  mode: PlannerMode;
  settings: MatchSettings;
  assignment: Assignment;
  /** Σ λ_xy over the assignment, in the caller's score units (not the normalised ones). */
  objective: number;
  /** Assignments per item and per user. */
  itemExposure: Int32Array;
  userLoad: Int32Array;
  /** Dual variables; for greedy, v is zero-filled. In score units after the max-λ = 1 normalisation is undone. */
  state: DualState;
  /** Per iteration: max violation of the user-capacity and item-exposure constraints (fractions). */
  residuals: { user: number[]; item: number[] };
  iterations: number;
  seconds: number;
}

/** Relevance and diversity of a set of hard decisions against test targets (rime field names). */
export interface MatchMetrics {
  /** Recommendations per user (mean) and per item (quartiles). */
  k: number;
  c: number;
  prec: number;
  /** ItemRec recall: mean over rows of hits / positives. */
  recall: number;
  /** UserRec recall: mean over items of hits / positives (appendix F's user-side relevance). */
  user_recall: number;
  item_ppl: number;
  item_cov: number;
  user_ppl: number;
  user_cov: number;
  'recs/item_25%': number;
  'recs/item_50%': number;
  'recs/item_75%': number;
  /** Share of the β target delivered (Figure S7): mean over items of min(1, exposure / (β·n_users)); 1 when β = 0. */
  delivered: number;
}

/** One point of a sweep: the setting, its metrics, the solution's cost. */
export interface SweepPoint extends MatchMetrics {
  alpha: number;
  beta: number;
  /** Item maximal exposure β' of an α-sweep point (absent on β-sweep points). */
  betaMax?: number;
  mode: PlannerMode;
  seconds: number;
}

/** What the planner worker needs per model: dense scores under the budget (transferred, never copied). */
export interface ModelScores {
  model: string;
  /** Test rows × nItems, row-major, λ ≥ 0. */
  test: Float32Array;
  testRows: number;
  /**
   * Validation rows × nItems (online mode calibrates v on these); null when the split has none, or when they were
   * left in a saved run (`validSaved`) until the online mode asks for them.
   */
  valid: Float32Array | null;
  validRows: number;
  /** savedAt of the saved run whose record of this model holds the validation scores `valid` leaves out. */
  validSaved?: number;
  nItems: number;
}

export interface PlannerInput {
  models: ModelScores[];
  /** Test targets (rows of `test` × items), for relevance metrics. */
  target: Csr;
  /** Display ids per item (boosted cold-start items list). */
  itemIds: string[];
}
