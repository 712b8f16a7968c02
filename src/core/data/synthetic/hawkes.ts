/**
 * A self-exciting (Hawkes) point process with two exponential kernels, the user-activity model of the synthetic world.
 *
 *   λ(t) = μ + Σ_{t_i < t} φ(t − t_i),   φ(τ) = Σ_k a_k β_k e^{−β_k τ},  k ∈ {short, long}
 *
 * a_k is the branching weight of kernel k (∫φ_k = a_k, the mean number of direct offspring per event), β_k = 1/scale_k
 * in 1/seconds. Stationarity needs a_short + a_long < 1. The paper's Hawkes baseline (Section 4, "Hawkes") uses the
 * same exponential-kernel form; here it is the ground truth, not a fitted model.
 *
 * The state of the process between events is the excitation of each kernel, E_k(t) = Σ_{t_i<t} a_k β_k e^{−β_k(t−t_i)},
 * in events per second. Everything here is pure arithmetic on that state.
 */
import type { Rng } from '../../util/rng';

/** Parameters of one user's process. Rates in events per second, scales in seconds. */
export interface HawkesParams {
  /** Background rate μ, events / s. */
  mu: number;
  aShort: number;
  aLong: number;
  /** 1 / scale of the short kernel, 1/s. */
  betaShort: number;
  /** 1 / scale of the long kernel, 1/s. */
  betaLong: number;
}

/** Excitation carried by each kernel at one instant, events / s. */
export interface Excitation {
  short: number;
  long: number;
}

/** Excitation at time `t` from the events `times[lo..hi)` that happened strictly before t (later ones are ignored). */
export function excitationAt(p: HawkesParams, times: ArrayLike<number>, lo: number, hi: number, t: number): Excitation {
  let s = 0;
  let l = 0;
  for (let i = lo; i < hi; i++) {
    const dt = t - times[i];
    if (dt <= 0) break; // times are sorted: the rest are at or after t
    s += Math.exp(-p.betaShort * dt);
    l += Math.exp(-p.betaLong * dt);
  }
  return { short: p.aShort * p.betaShort * s, long: p.aLong * p.betaLong * l };
}

/**
 * Waiting time to the next event from a state with excitation `e`, sampled exactly (no thinning): between events the
 * intensity is the sum of three deterministic parts (μ, E_s e^{−β_s τ}, E_l e^{−β_l τ}), so the next event is the first
 * of three independent inhomogeneous Poisson arrivals. A decaying part E e^{−βτ} has total mass E/β and fires at all
 * with probability 1 − e^{−E/β}; inverting its cumulative intensity E(1 − e^{−βτ})/β = X, X ~ Exp(1), gives its time.
 * Returns Infinity when none fires (μ = 0 and both kernels spent).
 */
export function nextWait(p: HawkesParams, e: Excitation, rng: Rng): number {
  let best = p.mu > 0 ? rng.exp() / p.mu : Infinity;
  best = Math.min(best, decayingArrival(e.short, p.betaShort, rng.exp()));
  best = Math.min(best, decayingArrival(e.long, p.betaLong, rng.exp()));
  return best;
}

function decayingArrival(e0: number, beta: number, x: number): number {
  if (e0 <= 0) return Infinity;
  const u = (beta * x) / e0;
  return u >= 1 ? Infinity : -Math.log1p(-u) / beta;
}

/** Excitation after waiting `dt` seconds and then (if `fire`) adding one event at the end of the wait. */
export function advance(p: HawkesParams, e: Excitation, dt: number, fire: boolean): Excitation {
  const s = e.short * Math.exp(-p.betaShort * dt) + (fire ? p.aShort * p.betaShort : 0);
  const l = e.long * Math.exp(-p.betaLong * dt) + (fire ? p.aLong * p.betaLong : 0);
  return { short: s, long: l };
}

/**
 * Expected number of events in the next `tau` seconds given the excitation `e` now, with the process running all that
 * time: E[N(t, t+τ) | history] = ∫ (μ + m_s + m_l) dt, where the expected excitation m = (m_s, m_l) obeys the linear ODE
 *   dm_k/dt = −β_k m_k + a_k β_k (μ + m_s + m_l),   i.e. dm/dt = A m + b,
 * (each event raises E_k by a_k β_k and events arrive at the expected rate μ + m_s + m_l). With m* = −A⁻¹b the fixed
 * point, m(t) = m* + e^{At}(m0 − m*) and ∫₀^τ m = m* τ + A⁻¹(e^{Aτ} − I)(m0 − m*). A is 2×2 with real negative
 * eigenvalues when a_s + a_l < 1, so e^{Aτ} has the closed form below.
 */
export function expectedCount(p: HawkesParams, e: Excitation, tau: number): number {
  if (!(tau > 0)) return 0;
  const bs = p.betaShort;
  const bl = p.betaLong;
  // A = [[β_s(a_s − 1), a_s β_s], [a_l β_l, β_l(a_l − 1)]], b = μ (a_s β_s, a_l β_l).
  const a11 = bs * (p.aShort - 1);
  const a12 = p.aShort * bs;
  const a21 = p.aLong * bl;
  const a22 = bl * (p.aLong - 1);
  const det = a11 * a22 - a12 * a21; // = β_s β_l (1 − a_s − a_l) > 0
  const b1 = p.mu * p.aShort * bs;
  const b2 = p.mu * p.aLong * bl;
  // m* = −A⁻¹ b, with A⁻¹ = [[a22, −a12], [−a21, a11]] / det.
  const ms1 = -(a22 * b1 - a12 * b2) / det;
  const ms2 = -(-a21 * b1 + a11 * b2) / det;
  const d1 = e.short - ms1;
  const d2 = e.long - ms2;
  const x = expm2(a11, a12, a21, a22, tau);
  // (e^{Aτ} − I) d
  const w1 = (x[0] - 1) * d1 + x[1] * d2;
  const w2 = x[2] * d1 + (x[3] - 1) * d2;
  // A⁻¹ w
  const v1 = (a22 * w1 - a12 * w2) / det;
  const v2 = (-a21 * w1 + a11 * w2) / det;
  return p.mu * tau + (ms1 + ms2) * tau + v1 + v2;
}

/**
 * e^{Aτ} for a 2×2 A with real eigenvalues p ± q (p = tr/2, q = √(tr²/4 − det)):
 * e^{Aτ} = e^{pτ}[cosh(qτ) I + sinh(qτ)/q (A − pI)], written with e^{(p±q)τ} so large τ underflows instead of overflowing.
 * Returns [x11, x12, x21, x22].
 */
export function expm2(
  a11: number,
  a12: number,
  a21: number,
  a22: number,
  tau: number,
): [number, number, number, number] {
  const pm = (a11 + a22) / 2;
  const disc = ((a11 - a22) / 2) ** 2 + a12 * a21;
  const q = Math.sqrt(Math.max(0, disc));
  const ep = Math.exp((pm + q) * tau);
  const em = Math.exp((pm - q) * tau);
  const c = (ep + em) / 2;
  // sinh(qτ)e^{pτ}/q; for qτ → 0 its limit is τ e^{pτ}.
  const s = q * tau > 1e-8 ? (ep - em) / (2 * q) : tau * Math.exp(pm * tau);
  return [c + s * (a11 - pm), s * a12, s * a21, c + s * (a22 - pm)];
}

/** Mean rate of the stationary process, μ / (1 − a_s − a_l), events / s. */
export function stationaryRate(p: HawkesParams): number {
  return p.mu / (1 - p.aShort - p.aLong);
}
