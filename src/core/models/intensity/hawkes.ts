import type { Dataset, EvalSet } from '../../data/types';
import type { IntensityModel } from '../types';
import { err, ok, type Result } from '../../util/result';
import { lastTrainTime } from './history';
import { maximizeLinearIntensity } from './pointProcessSolver';
import { silencePosterior, windowFactors, type SilencePosterior } from './churn';

/**
 * Hawkes user intensity (paper section 3, "RNN-Hawkes"; rime's `Hawkes` over tick's HawkesSumExpKern), with users who
 * leave.
 *
 * Time runs in units of the horizon, from each user's first event t₀. For a user with events t₀ < t₁ ≤ t₂ ≤ …,
 *   λ(t) = μ + Σ_r β_r φ_r(t − t₀) + Σ_r α_r Σ_{j≥1, t_j<t} φ_r(t − t_j),   φ_r(Δ) = exp(−Δ/s_r)/s_r,
 * with FIXED log-spaced scales s_r. The first event is the start-of-user channel (rime puts it on a control
 * dimension that excites the data dimension through `x_by_s`); later events self-excite through α (`x_by_x`).
 * Users leave at an unobserved time with hazard γ per horizon (churn.ts): after that λ = 0. Without it, the only way
 * a linear λ can tell a heavy user from a light one is kernels long enough to remember the count, and those keep
 * a heavy user who left long ago at the top of every ranking.
 * Coefficients c = (μ, α, β) ≥ 0 and γ ≥ 0 maximise the marginal likelihood over the churn times,
 *   Σ_users [Σ_{j≥1} log λ(t_j) − ∫_{t₀}^{t_n} λ − γ(t_n − t₀) + log Z_u],
 * Z_u being the likelihood of the silence from the last event t_n to the end of the user's window (churn.ts).
 * By EM over the churn times: given them, the problem in c is the plain one, concave because λ is linear in c with
 * fixed kernels (λ(t_j) = c · f_j, ∫λ = c · G with G the expected integrals), solved by projected Newton
 * (pointProcessSolver.ts); γ has a closed form. γ = 0 is the plain Hawkes model. Kernel states come from the
 * exponential recursion, O(events · R).
 */

/** Fitted coefficients, exported into run metadata. */
export interface HawkesCoefficients {
  /** Kernel scales s_r in horizons. */
  scales: number[];
  /** Baseline μ, events per horizon. */
  mu: number;
  /** Self-excitation α_r: expected extra events caused by one event through kernel r. */
  alpha: number[];
  /** Start-of-user excitation β_r: expected events caused by the user's first event through kernel r. */
  beta: number[];
  /** Churn hazard γ: the rate at which an active user leaves, per horizon (0: nobody leaves, the plain model). */
  gamma: number;
  /** Log-likelihood at the solution (time in horizons; marginal over the churn times), and its per-event mean. */
  logLik: number;
  logLikPerEvent: number;
  iterations: number;
  /** Training events modelled (every event after a user's first) and users with at least one event. */
  events: number;
  users: number;
}

export interface HawkesOptions {
  /** Prediction window ΔT in seconds; also the time unit of the model. */
  horizon: number;
  /**
   * End of each user's observed training window, unix seconds (per user, or one value for all). Default: the latest
   * training event over all users (the temporal cut). The likelihood integrates λ up to here.
   */
  observeEnd?: Float64Array | number;
  /** Kernel scales in horizons; default log-spaced from 1e-3 to 10× the longest training span, one per decade. */
  scales?: number[];
  /** Newton iterations at most per stage (default 50) and relative tolerance on the predicted gain (default 1e-10). */
  maxIter?: number;
  tol?: number;
  /** Fit the churn hazard γ (default true); false keeps γ = 0, the plain Hawkes model. */
  churn?: boolean;
  /** EM iterations at most over the churn times (default 100). */
  maxEm?: number;
}

/** A fitted Hawkes model bound to its dataset; `predict` gives the expected events in [T, T + horizon). */
export interface HawkesModel extends IntensityModel {
  readonly coefficients: HawkesCoefficients;
  /**
   * Per row the feature vector g with predict = c · g; rows × (1 + 2R), row-major (layout: μ, α_1..R, β_1..R). Each
   * row's features carry its probability of still being there at T (churn.ts), so any weights on them see time.
   */
  states(rows: EvalSet): Float64Array;
  /** E[λ(T)] at each row's test start, events per horizon: the Hawkes λ(T) times the probability the user is there. */
  intensityAt(rows: EvalSet): Float64Array;
  /** Per row the posterior probability that the user has not left by its test start. */
  aliveAt(rows: EvalSet): Float64Array;
}

/** Log-spaced scales from 1e-3 horizons to 10× the longest span, at least 4, one per decade. */
export function defaultScales(maxSpanHorizons: number): number[] {
  const lo = 1e-3;
  const hi = Math.max(1, 10 * maxSpanHorizons);
  const n = Math.max(4, Math.ceil(Math.log10(hi / lo)) + 1);
  return Array.from({ length: n }, (_, i) => lo * (hi / lo) ** (i / (n - 1)));
}

export function fitHawkes(
  dataset: Dataset,
  trainEnd: Int32Array,
  opts: HawkesOptions,
): Result<HawkesModel, 'bad-option' | 'no-data'> {
  const h = opts.horizon;
  if (!(h > 0) || !Number.isFinite(h))
    return err('bad-option', `hawkes: horizon must be a positive number of seconds, got ${h}`);
  const { userOffsets: off, time } = dataset;
  const defaultEnd = lastTrainTime(dataset, trainEnd);
  const endOf = (u: number): number =>
    typeof opts.observeEnd === 'number' ? opts.observeEnd : opts.observeEnd ? opts.observeEnd[u] : defaultEnd;

  // Users with a history, their observation span (horizons) and the number of modelled events.
  let users = 0;
  let events = 0;
  let maxSpan = 0;
  for (let u = 0; u < dataset.nUsers; u++) {
    const n = trainEnd[u] - off[u];
    if (n <= 0) continue;
    users++;
    events += n - 1;
    const end = Math.max(endOf(u), time[trainEnd[u] - 1]);
    maxSpan = Math.max(maxSpan, (end - time[off[u]]) / h);
  }
  if (users === 0) return err('no-data', 'hawkes: no user has a training event');
  const scales = opts.scales ?? defaultScales(maxSpan);
  if (scales.length === 0 || scales.some((s) => !(s > 0)))
    return err('bad-option', `hawkes: scales must be positive, got ${scales}`);
  const R = scales.length;
  const K = 1 + 2 * R;
  const inv = scales.map((s) => 1 / s);

  // f: per modelled event its kernel features (μ: 1, α_r: Σ_{i≥1, t_i<t_j} φ_r, β_r: φ_r(t_j − t₀)); Float32 keeps
  // 1M events × 15 features at 60 MB. Gbase: each coefficient's integral of λ up to each user's last event t_n.
  // Per user the silence after t_n: its length τ_E and the kernel sums at t_n (A_r over α events, B_r = e^{−x_n/s_r}),
  // from which the integral over the silence follows for any churn time.
  const f = new Float32Array(events * K);
  const Gbase = new Float64Array(K);
  const tauE = new Float64Array(users);
  const lastX = new Float64Array(users);
  const A = new Float64Array(users * R);
  const B = new Float64Array(users * R);
  const acc = new Float64Array(R);
  const start = new Float64Array(R);
  let e = 0;
  let v = 0;
  for (let u = 0; u < dataset.nUsers; u++) {
    const a = off[u];
    const b = trainEnd[u];
    if (b - a <= 0) continue;
    const t0 = time[a];
    const end = (Math.max(endOf(u), time[b - 1]) - t0) / h;
    // Exponential recursion over data events: acc_r = Σ_{i strictly before the current time} exp(−(t − t_i)/s_r).
    // One exp per scale per distinct event time: the same decay factor advances the α sums and the start kernel
    // (start_r = e^{−x/s_r}).
    acc.fill(0);
    start.fill(1);
    let pending = 0;
    let prev = 0;
    for (let j = a + 1; j < b; j++, e++) {
      const x = (time[j] - t0) / h;
      if (x > prev) {
        const dt = x - prev;
        for (let r = 0; r < R; r++) {
          const decay = Math.exp(-dt * inv[r]);
          acc[r] = (acc[r] + pending) * decay;
          start[r] *= decay;
        }
        pending = 0;
        prev = x;
      }
      const row = e * K;
      f[row] = 1;
      for (let r = 0; r < R; r++) {
        f[row + 1 + r] = acc[r] * inv[r];
        f[row + 1 + R + r] = x > 0 ? start[r] * inv[r] : 0;
      }
      pending++;
    }
    // prev is the last event's time x_n; up to it μ integrates to x_n, α_r to Σ_j (1 − e^{−(x_n − x_j)/s_r}) and β_r
    // to 1 − e^{−x_n/s_r}.
    Gbase[0] += prev;
    for (let r = 0; r < R; r++) {
      A[v * R + r] = acc[r] + pending;
      B[v * R + r] = start[r];
      Gbase[1 + r] += b - a - 1 - A[v * R + r];
      Gbase[1 + R + r] += 1 - start[r];
    }
    lastX[v] = prev;
    tauE[v] = Math.max(0, end - prev);
    v++;
  }

  // The silence's expected integrals given the churn posterior of each user (γ = 0: the whole silence, as the plain
  // model), added to Gbase; with the posteriors' log Z, their alive and dead time, for the M-step and the likelihood.
  const post: SilencePosterior = { logZ: 0, alive: 1, meanTau: 0, meanSpent: new Float64Array(R) };
  const k = new Float64Array(R);
  const eStep = (c: Float64Array, gamma: number) => {
    const G = Gbase.slice();
    let logZ = 0;
    let dead = 0;
    let exposure = 0;
    let lived = 0;
    for (let w = 0; w < users; w++) {
      for (let r = 0; r < R; r++) k[r] = c[1 + r] * A[w * R + r] + c[1 + R + r] * B[w * R + r];
      silencePosterior(tauE[w], c[0], k, scales, gamma, post);
      logZ += post.logZ;
      dead += 1 - post.alive;
      exposure += lastX[w] + post.meanTau;
      lived += lastX[w];
      G[0] += post.meanTau;
      for (let r = 0; r < R; r++) {
        G[1 + r] += A[w * R + r] * post.meanSpent[r];
        G[1 + R + r] += B[w * R + r] * post.meanSpent[r];
      }
    }
    return { G, logZ, dead, exposure, lived };
  };

  // Start: μ at half the event rate, the excitation coefficients small and positive; the plain fit (γ = 0) first.
  let st = eStep(new Float64Array(K), 0);
  const init = new Float64Array(K);
  init[0] = Math.max(1e-9, (0.5 * events) / Math.max(1e-12, st.G[0]));
  for (let q = 1; q < K; q++) init[q] = st.G[q] > 0 ? (0.5 * Math.max(events, users)) / ((K - 1) * st.G[q]) : 0;
  const solverOpts = { maxIter: opts.maxIter, tol: opts.tol };
  let sol = maximizeLinearIntensity(f, K, st.G, init, solverOpts);
  let c = sol.coef;
  // Σ log λ at c, from the solver's objective F = Σ log λ − c · G.
  const sumLog = (F: number, G: Float64Array) => F + G.reduce((a, g, q) => a + g * c[q], 0);
  const cGbase = (cc: Float64Array) => Gbase.reduce((a, g, q) => a + g * cc[q], 0);
  let gamma = 0;
  let logLik = sol.objective;
  let iterations = sol.iterations;
  if (opts.churn !== false) {
    // EM from γ₀ = one departure per user over the observed time; a few Newton steps per M-step (generalised EM),
    // then a full solve at the end.
    let logs = sumLog(sol.objective, st.G);
    gamma = users / Math.max(1e-12, st.exposure);
    let prevLik = -Infinity;
    const maxEm = opts.maxEm ?? 100;
    for (let it = 0; it < maxEm; it++) {
      st = eStep(c, gamma);
      const lik = logs - cGbase(c) - gamma * st.lived + st.logZ;
      if (lik - prevLik <= 1e-9 * Math.max(1, Math.abs(lik))) break;
      prevLik = lik;
      gamma = st.dead / Math.max(1e-12, st.exposure);
      sol = maximizeLinearIntensity(f, K, st.G, c, { ...solverOpts, maxIter: 3, warm: true });
      c = sol.coef;
      iterations += sol.iterations;
      logs = sumLog(sol.objective, st.G);
    }
    st = eStep(c, gamma);
    sol = maximizeLinearIntensity(f, K, st.G, c, { ...solverOpts, warm: true });
    c = sol.coef;
    iterations += sol.iterations;
    logs = sumLog(sol.objective, st.G);
    st = eStep(c, gamma);
    logLik = logs - cGbase(c) - gamma * st.lived + st.logZ;
  }
  const coefficients: HawkesCoefficients = {
    scales: [...scales],
    mu: c[0],
    alpha: Array.from(c.subarray(1, 1 + R)),
    beta: Array.from(c.subarray(1 + R)),
    gamma,
    logLik,
    logLikPerEvent: events > 0 ? logLik / events : 0,
    iterations,
    events,
    users,
  };
  return ok(hawkesModel(dataset, h, coefficients));
}

/**
 * Prediction. We return the expected events in the window [T, T + horizon) from the current state: the probability
 * that the user is still there at T (churn.ts) times λ integrated over the window with the kernels decaying in closed
 * form and the user leaving at rate γ meanwhile,
 *   P(alive) · [μ (1 − e^{−γ})/γ + Σ_r (α_r Σ_j e^{−(T−t_j)/s_r} + β_r e^{−(T−t₀)/s_r}) (1 − e^{−(1 + γ s_r)/s_r})/(1 + γ s_r)]
 * (γ = 0: μ + Σ_r (…)(1 − e^{−1/s_r})). rime uses λ(T)·horizon instead; we prefer the integral because with scales
 * far below the horizon λ(T)·horizon counts a just-seen event up to 1/s_r times, while the integral counts it at most
 * α_r (offspring of offspring are left out in both). `intensityAt` gives P(alive)·λ(T) for comparison.
 */
function hawkesModel(dataset: Dataset, h: number, coefficients: HawkesCoefficients): HawkesModel {
  const { scales, mu, alpha, beta, gamma } = coefficients;
  const R = scales.length;
  const K = 1 + 2 * R;
  const coef = Float64Array.from([mu, ...alpha, ...beta]);
  const windowMass = new Float64Array(R);
  const windowBase = windowFactors(scales, gamma, windowMass);
  const rate = Float64Array.from(scales, (s) => 1 / s);

  /**
   * Per row the kernel sums at T, the α sums and β term scaled by `mult[r]` (window factor or 1/s_r) and the baseline
   * by `base`, all times the row's probability of being there at T; that probability alone into `alive` when given.
   */
  const kernelStates = (rows: EvalSet, base: number, mult: ArrayLike<number>, alive?: Float64Array): Float64Array => {
    const n = rows.users.length;
    const out = new Float64Array(n * K);
    const atLast = new Float64Array(R);
    const k = new Float64Array(R);
    const post: SilencePosterior = { logZ: 0, alive: 1, meanTau: 0, meanSpent: new Float64Array(R) };
    for (let i = 0; i < n; i++) {
      const row = i * K;
      const a = dataset.userOffsets[rows.users[i]];
      const b = rows.histEnd[i];
      if (b <= a) {
        out[row] = base; // no history: baseline only (rime: end time at infinity)
        if (alive) alive[i] = 1;
        continue;
      }
      const t0 = dataset.time[a];
      const xT = (rows.testStart[i] - t0) / h;
      const xn = (dataset.time[b - 1] - t0) / h;
      // Sums at the last event x_n (for the silence since), then decayed to T.
      for (let r = 0; r < R; r++) {
        let s = 0;
        for (let j = a + 1; j < b; j++) s += Math.exp(-(xn - (dataset.time[j] - t0) / h) / scales[r]);
        atLast[r] = s;
        k[r] = alpha[r] * s + beta[r] * Math.exp(-xn / scales[r]);
      }
      const p = silencePosterior(Math.max(0, xT - xn), mu, k, scales, gamma, post).alive;
      if (alive) alive[i] = p;
      out[row] = p * base;
      for (let r = 0; r < R; r++) {
        const decay = Math.exp(-Math.max(0, xT - xn) / scales[r]);
        out[row + 1 + r] = p * atLast[r] * decay * mult[r];
        out[row + 1 + R + r] = p * Math.exp(-xT / scales[r]) * mult[r];
      }
    }
    return out;
  };
  const dotRows = (states: Float64Array, n: number): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let q = 0; q < K; q++) s += coef[q] * states[i * K + q];
      out[i] = s;
    }
    return out;
  };
  return {
    name: 'Hawkes',
    coefficients,
    states: (rows) => kernelStates(rows, windowBase, windowMass),
    predict: (rows) => dotRows(kernelStates(rows, windowBase, windowMass), rows.users.length),
    intensityAt: (rows) => dotRows(kernelStates(rows, 1, rate), rows.users.length),
    aliveAt: (rows) => {
      const alive = new Float64Array(rows.users.length);
      kernelStates(rows, 1, rate, alive);
      return alive;
    },
  };
}
