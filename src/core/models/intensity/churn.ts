/**
 * Users who leave: the survival part of the Hawkes intensity (hawkes.ts). A user is alive from its first event until
 * an unobserved churn time D, with a constant hazard γ (per horizon); while alive its events follow the Hawkes
 * intensity λ(t), after D there are none. After the user's last event t_n, the Hawkes intensity decays as
 *   λ(t_n + τ) = μ + Σ_r k_r e^{−τ/s_r}/s_r,   Λ(τ) = ∫₀^τ λ = μτ + Σ_r k_r (1 − e^{−τ/s_r}),
 * k_r being the kernel mass left at t_n (α_r Σ_j e^{−(t_n−t_j)/s_r} + β_r e^{−(t_n−t₀)/s_r}). Observed silent until
 * t_n + τ_E, the user's churn offset τ = min(D, t_n + τ_E) − t_n has the posterior
 *   q(τ) ∝ γ e^{−γτ − Λ(τ)} on (0, τ_E)   (left during the silence),   q(τ_E) ∝ e^{−γτ_E − Λ(τ_E)}   (still there),
 * and its normaliser Z is the silence's likelihood. A long silence is unlikely for a user whose λ stays high, so a
 * heavy user who went quiet long ago is likely gone, whatever the count of its past events: this is what a linear
 * Hawkes intensity cannot express (its λ never falls below the kernels' memory of the count).
 * With γ = 0 the posterior is the atom at τ_E and Z = e^{−Λ(τ_E)}: the plain Hawkes likelihood.
 */

/** Gauss-Legendre nodes and weights on [−1, 1], 4 points (exact for polynomials of degree ≤ 7). */
const GL_X = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
const GL_W = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

/** What the posterior of the churn offset says about one silence. */
export interface SilencePosterior {
  /** log Z: the log-likelihood of the silence (τ_E with no event) under (μ, k, γ). */
  logZ: number;
  /** P(τ = τ_E): the user is still there at the end of the silence. */
  alive: number;
  /** E[τ]: expected alive time within the silence (horizons). */
  meanTau: number;
  /** Per scale r: E[1 − e^{−τ/s_r}], the expected share of kernel r's remaining mass spent while alive. */
  meanSpent: Float64Array;
}

/**
 * Quadrature nodes on (0, τ_E): 4-point Gauss-Legendre on geometric segments [0, a], [a, 2a], [2a, 4a], …, τ_E with
 * a a quarter of the integrand's fastest time (the shortest kernel scale, or 1/λ at the last event when shorter), so
 * that its fast start and its slow tail (1/(γ + μ)) are both resolved with a handful of nodes per doubling of τ.
 */
export function silenceNodes(tauE: number, fastest: number): { tau: Float64Array; weight: Float64Array } {
  const bounds = [0];
  let b = fastest / 4;
  while (b < tauE) {
    bounds.push(b);
    b *= 2;
  }
  bounds.push(tauE);
  const n = (bounds.length - 1) * GL_X.length;
  const tau = new Float64Array(n);
  const weight = new Float64Array(n);
  let q = 0;
  for (let i = 0; i + 1 < bounds.length; i++) {
    const mid = (bounds[i] + bounds[i + 1]) / 2;
    const half = (bounds[i + 1] - bounds[i]) / 2;
    for (let g = 0; g < GL_X.length; g++, q++) {
      tau[q] = mid + half * GL_X[g];
      weight[q] = half * GL_W[g];
    }
  }
  return { tau, weight };
}

/**
 * The posterior of the churn offset for one silence of τ_E horizons after the last event, given the baseline μ, the
 * kernel masses k_r left at the last event, the scales s_r and the hazard γ (all per horizon). Computed in log space
 * (Λ reaches thousands for heavy users) with the nodes of `silenceNodes`.
 */
export function silencePosterior(
  tauE: number,
  mu: number,
  k: ArrayLike<number>,
  scales: ArrayLike<number>,
  gamma: number,
  out?: SilencePosterior,
): SilencePosterior {
  const R = scales.length;
  const post = out ?? { logZ: 0, alive: 1, meanTau: 0, meanSpent: new Float64Array(R) };
  const Lam = (tau: number): number => {
    let l = mu * tau;
    for (let r = 0; r < R; r++) l -= k[r] * Math.expm1(-tau / scales[r]);
    return l;
  };
  const logAlive = -gamma * tauE - Lam(tauE);
  if (!(gamma > 0) || !(tauE > 0)) {
    post.logZ = logAlive;
    post.alive = 1;
    post.meanTau = Math.max(0, tauE);
    for (let r = 0; r < R; r++) post.meanSpent[r] = -Math.expm1(-Math.max(0, tauE) / scales[r]);
    return post;
  }
  let fastest = Infinity;
  let rate = mu + gamma;
  for (let r = 0; r < R; r++) {
    fastest = Math.min(fastest, scales[r]);
    rate += k[r] / scales[r];
  }
  const { tau, weight } = silenceNodes(tauE, Math.min(fastest, 1 / rate));
  const logP = new Float64Array(tau.length);
  const logGamma = Math.log(gamma);
  let max = logAlive;
  for (let q = 0; q < tau.length; q++) {
    logP[q] = logGamma - gamma * tau[q] - Lam(tau[q]) + Math.log(weight[q]);
    if (logP[q] > max) max = logP[q];
  }
  let z = Math.exp(logAlive - max);
  let sTau = z * tauE;
  post.meanSpent.fill(0);
  for (let r = 0; r < R; r++) post.meanSpent[r] = -z * Math.expm1(-tauE / scales[r]);
  const alive = z;
  for (let q = 0; q < tau.length; q++) {
    const p = Math.exp(logP[q] - max);
    z += p;
    sTau += p * tau[q];
    for (let r = 0; r < R; r++) post.meanSpent[r] -= p * Math.expm1(-tau[q] / scales[r]);
  }
  post.logZ = max + Math.log(z);
  post.alive = alive / z;
  post.meanTau = sTau / z;
  for (let r = 0; r < R; r++) post.meanSpent[r] /= z;
  return post;
}

/**
 * Expected events of the window [T, T + 1 horizon) per unit of each Hawkes coefficient, for a user alive at T who
 * may still leave inside the window (hazard γ): the baseline contributes ∫₀¹ e^{−γτ} dτ and kernel r, with state
 * σ_r at T (Σ_j e^{−(T−t_j)/s_r}), contributes σ_r ∫₀¹ e^{−γτ} e^{−τ/s_r}/s_r dτ. Returns the baseline factor and
 * writes the kernel factors into `out` (offspring of offspring left out, as in the plain prediction).
 */
export function windowFactors(scales: ArrayLike<number>, gamma: number, out: Float64Array): number {
  for (let r = 0; r < scales.length; r++) {
    const s = scales[r];
    out[r] = -Math.expm1(-(1 + gamma * s) / s) / (1 + gamma * s);
  }
  return gamma > 0 ? -Math.expm1(-gamma) / gamma : 1;
}
