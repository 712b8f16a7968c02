import type { NextItemMixture } from '../types';

/**
 * The next-item distribution in a repeat mode and an explore mode (RepeatNet; paper 003's repeat intention: a user
 * either re-consumes an item of its history H or explores):
 *   p(y|x) = r(x)·p_hist(y|x) + (1 − r(x))·κ·e(y|x)/D(x)     for y in H,
 *   p(y|x) = (1 − r(x))·e(y|x)/D(x)                          for y not in H,
 *   e(y|x) = u(x)·p_seq(y|x) + (1 − u(x))·p_pop(y),   D = 1 − (1 − κ)·e(H|x),
 * p_hist the history's items with event weights decay^(events since) (recent ones count more), p_seq the sequence
 * model's softmax over items (eq. 1), p_pop the items' training frequency. κ ∈ [0, 1] is how much exploring still
 * proposes consumed items: 0 where nobody re-consumes (MovieLens: exploring never wastes a slot on a rated movie),
 * near 1 where users draw again and again from a few items (the softmax then knows their odds better than the
 * history's counts). p_pop keeps p_seq's confident mistakes from ranking a user first for an item (what UserRec,
 * comparing users per item, punishes). Both gates are logistic in z(x), the log-odds of the user's re-consumption
 * rate so far, (repeats + ½)/(new + ½): MuseNet's auxiliary label (the fraction of a user's events that repeat an
 * earlier item) as the gates' input; r = σ(a_r + b_r z) (0 without a history), u = σ(a_u + b_u z).
 * Fitted by maximum likelihood of held-out users' next items: BFGS over the gates and κ, per decay on a grid.
 */

/** Fitted mixture: plain data, stored with the model. */
export interface MixtureParams {
  /** Weight of an event k events back in p_hist is decay^k (1: every past event alike). */
  decay: number;
  /** Repeat gate r = σ(repeat[0] + repeat[1]·z). */
  repeat: [number, number];
  /** Explore share of p_seq, u = σ(seq[0] + seq[1]·z). */
  seq: [number, number];
  /** κ: how much of its weight the explore part keeps on items of the history (0: none, RepeatNet; 1: all). */
  keep: number;
  /** p_pop over items. */
  pop: Float32Array;
  /** Mean log-likelihood per held-out token of the mixture, and of p_seq alone (nats). */
  logLik: number;
  seqLogLik: number;
  tokens: number;
}

/** The decays tried when fitting. */
export const DECAY_GRID = [0.5, 0.8, 0.9, 0.95, 0.98, 1] as const;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * A user's history walked event by event: after `push`ing events j < t, `prob(y)` is p_hist(y) at t, `has(y)` whether
 * y is in the history and `z` the gates' input. Decayed counts are stored as (value at last occurrence, index of it)
 * per item and decayed lazily, so a push is O(1); `reset` starts a new user without clearing arrays (a stamp per item
 * marks the current user). `items` lists the distinct items so far.
 */
export class HistoryWalker {
  private readonly value: Float64Array;
  private readonly last: Int32Array;
  private readonly stamp: Int32Array;
  private user = 0;
  /** Events pushed, and how many of them repeated an earlier item of this user. */
  n = 0;
  repeats = 0;
  readonly items: number[] = [];

  constructor(
    nItems: number,
    readonly decay: number,
  ) {
    this.value = new Float64Array(nItems);
    this.last = new Int32Array(nItems);
    this.stamp = new Int32Array(nItems);
  }

  reset(): void {
    this.user++;
    this.n = 0;
    this.repeats = 0;
    this.items.length = 0;
  }

  has(y: number): boolean {
    return this.stamp[y] === this.user;
  }

  /** Decayed count of y at the next position: Σ_{earlier j with item y} decay^(n − 1 − j). */
  count(y: number): number {
    if (!this.has(y)) return 0;
    return this.value[y] * this.decay ** (this.n - 1 - this.last[y]);
  }

  /** Σ_j decay^(n − 1 − j) over all pushed events. */
  total(): number {
    return this.decay === 1 ? this.n : -Math.expm1(this.n * Math.log(this.decay)) / (1 - this.decay);
  }

  prob(y: number): number {
    return this.n > 0 ? this.count(y) / this.total() : 0;
  }

  /** Gate input z: log-odds of re-consumption so far. */
  z(): number {
    return Math.log((this.repeats + 0.5) / (this.n - this.repeats + 0.5));
  }

  push(y: number): void {
    if (this.has(y)) {
      this.repeats++;
      this.value[y] = this.count(y) * this.decay + 1;
    } else {
      this.stamp[y] = this.user;
      this.value[y] = 1;
      this.items.push(y);
    }
    this.last[y] = this.n;
    this.n++;
  }
}

/** The gates (r, u) at input z; r = 0 without a history. */
export function gates(m: Pick<MixtureParams, 'repeat' | 'seq'>, z: number, hasHistory: boolean): [number, number] {
  return [hasHistory ? sigmoid(m.repeat[0] + m.repeat[1] * z) : 0, sigmoid(m.seq[0] + m.seq[1] * z)];
}

/** Held-out next items: per token its item, p_seq of it and of its history's items, and the users' event ranges. */
export interface HeldOutTokens {
  /** Per user: [from, start, end) event indices; history is [from, t), tokens are t ∈ [start, end). */
  users: { from: number; start: number; end: number }[];
  /** p_seq(item of t) for the tokens, users in order, t ascending. */
  pSeq: Float32Array;
  /** p_seq of the distinct items of each token's history (0 without one). */
  pSeqHist: Float32Array;
}

/** Per token what the likelihood needs, for one decay. */
interface TokenTable {
  z: Float64Array;
  hasHist: Uint8Array;
  /** Whether the token's item is in its history. */
  repeat: Uint8Array;
  pHist: Float64Array;
  pSeq: Float64Array;
  pPop: Float64Array;
  seqHist: Float64Array;
  popHist: Float64Array;
}

function tokenTable(item: Int32Array, held: HeldOutTokens, pop: Float32Array, decay: number): TokenTable {
  const n = held.pSeq.length;
  const t: TokenTable = {
    z: new Float64Array(n),
    hasHist: new Uint8Array(n),
    repeat: new Uint8Array(n),
    pHist: new Float64Array(n),
    pSeq: Float64Array.from(held.pSeq),
    pPop: new Float64Array(n),
    seqHist: Float64Array.from(held.pSeqHist),
    popHist: new Float64Array(n),
  };
  const walk = new HistoryWalker(pop.length, decay);
  let k = 0;
  for (const u of held.users) {
    walk.reset();
    let popHist = 0;
    for (let e = u.from; e < u.end; e++) {
      const y = item[e];
      if (e >= u.start) {
        t.z[k] = walk.n > 0 ? walk.z() : 0;
        t.hasHist[k] = walk.n > 0 ? 1 : 0;
        t.repeat[k] = walk.has(y) ? 1 : 0;
        t.pHist[k] = walk.prob(y);
        t.pPop[k] = pop[y];
        t.popHist[k] = popHist;
        k++;
      }
      if (!walk.has(y)) popHist += pop[y];
      walk.push(y);
    }
  }
  return t;
}

/**
 * Mean log-likelihood of the tokens and its gradient in θ = (a_r, b_r, a_u, b_u, c), κ = σ(c). Per token, with
 * E = u·s + (1 − u)·π, M = u·S + (1 − u)·P and D = 1 − (1 − κ)·M: p = r·p_hist + (1 − r)·κ·E/D for a repeat,
 * (1 − r)·E/D otherwise (r = 0 without a history).
 */
function logLikGrad(t: TokenTable, th: Float64Array, grad: Float64Array | null): number {
  const kappa = sigmoid(th[4]);
  let L = 0;
  grad?.fill(0);
  const n = t.z.length;
  for (let i = 0; i < n; i++) {
    const z = t.z[i];
    const r = t.hasHist[i] ? sigmoid(th[0] + th[1] * z) : 0;
    const u = sigmoid(th[2] + th[3] * z);
    const E = u * t.pSeq[i] + (1 - u) * t.pPop[i];
    const M = u * t.seqHist[i] + (1 - u) * t.popHist[i];
    const D = Math.max(1e-12, 1 - (1 - kappa) * M);
    const q = E / D;
    const rep = t.repeat[i] === 1;
    const p = (rep ? r * t.pHist[i] + (1 - r) * kappa * q : (1 - r) * q) + 1e-300;
    L += Math.log(p);
    if (!grad) continue;
    // ∂p/∂r, ∂p/∂u, ∂p/∂κ, then through the logistic links.
    const dr = rep ? t.pHist[i] - kappa * q : -q;
    const dqdu = (t.pSeq[i] - t.pPop[i] + (1 - kappa) * (t.seqHist[i] - t.popHist[i]) * q) / D;
    const du = (1 - r) * (rep ? kappa : 1) * dqdu;
    const dk = (1 - r) * (rep ? q * (1 - (kappa * M) / D) : -q * (M / D));
    if (t.hasHist[i]) {
      const gr = (dr * r * (1 - r)) / p;
      grad[0] += gr;
      grad[1] += gr * z;
    }
    const gu = (du * u * (1 - u)) / p;
    grad[2] += gu;
    grad[3] += gu * z;
    grad[4] += (dk * kappa * (1 - kappa)) / p;
  }
  if (grad) for (let k = 0; k < 5; k++) grad[k] /= Math.max(1, n);
  return L / Math.max(1, n);
}

/**
 * θ maximising the mean log-likelihood by BFGS (gradient above, backtracking line search, parameters kept in
 * [−30, 30] where the logistic links saturate).
 */
function fitGates(t: TokenTable, maxIter = 200): { theta: Float64Array; logLik: number } {
  const K = 5;
  const th = Float64Array.of(-2, 0, 2, 0, 0);
  const g = new Float64Array(K);
  let L = logLikGrad(t, th, g);
  // Inverse-Hessian estimate of −L, starting at the identity.
  const Hi = new Float64Array(K * K);
  for (let k = 0; k < K; k++) Hi[k * K + k] = 1;
  const g2 = new Float64Array(K);
  const cand = new Float64Array(K);
  for (let it = 0; it < maxIter; it++) {
    const d = new Float64Array(K);
    for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) d[a] += Hi[a * K + b] * g[b];
    let slope = 0;
    for (let k = 0; k < K; k++) slope += d[k] * g[k];
    if (!(slope > 0)) {
      // Not an ascent direction: restart from the gradient.
      Hi.fill(0);
      for (let k = 0; k < K; k++) Hi[k * K + k] = 1;
      d.set(g);
      slope = g.reduce((a, v) => a + v * v, 0);
    }
    let step = 1;
    let L2 = -Infinity;
    for (let ls = 0; ls < 40; ls++, step *= 0.5) {
      for (let k = 0; k < K; k++) cand[k] = Math.max(-30, Math.min(30, th[k] + step * d[k]));
      L2 = logLikGrad(t, cand, g2);
      if (L2 >= L + 1e-4 * step * slope) break;
    }
    if (!(L2 > L)) break;
    const sv = Float64Array.from(cand, (v, k) => v - th[k]);
    // y = ∇(−L) difference = −(g2 − g).
    const yv = Float64Array.from(g2, (v, k) => g[k] - v);
    const sy = sv.reduce((a, v, k) => a + v * yv[k], 0);
    if (sy > 1e-12) {
      const Hy = new Float64Array(K);
      for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) Hy[a] += Hi[a * K + b] * yv[b];
      const yHy = yv.reduce((a, v, k) => a + v * Hy[k], 0);
      for (let a = 0; a < K; a++)
        for (let b = 0; b < K; b++)
          Hi[a * K + b] += ((sy + yHy) * sv[a] * sv[b]) / (sy * sy) - (Hy[a] * sv[b] + sv[a] * Hy[b]) / sy;
    }
    const gain = L2 - L;
    th.set(cand);
    g.set(g2);
    L = L2;
    if (gain < 1e-10) break;
  }
  return { theta: th, logLik: L };
}

/**
 * The mixture for held-out tokens: for each decay of DECAY_GRID the gates of highest likelihood, and of those the
 * best. `pop` is p_pop over items. Returns null when there are no tokens (the model keeps p_seq alone).
 */
export function fitMixture(item: Int32Array, held: HeldOutTokens, pop: Float32Array): MixtureParams | null {
  const n = held.pSeq.length;
  if (n === 0) return null;
  let seqLogLik = 0;
  for (let i = 0; i < n; i++) seqLogLik += Math.log(held.pSeq[i] + 1e-30);
  let best: MixtureParams | null = null;
  for (const decay of DECAY_GRID) {
    const fit = fitGates(tokenTable(item, held, pop, decay));
    if (!best || fit.logLik > best.logLik)
      best = {
        decay,
        repeat: [fit.theta[0], fit.theta[1]],
        seq: [fit.theta[2], fit.theta[3]],
        keep: sigmoid(fit.theta[4]),
        pop,
        logLik: fit.logLik,
        seqLogLik: seqLogLik / n,
        tokens: n,
      };
  }
  return best;
}

/** The mixture's parts for rows whose histories are item[from[r] … to[r]) (see NextItemMixture). */
export function mixtureRows(m: MixtureParams, item: Int32Array, from: Int32Array, to: Int32Array): NextItemMixture {
  const n = from.length;
  const repeat = new Float32Array(n);
  const seq = new Float32Array(n);
  const popInHist = new Float32Array(n);
  const ptr = new Int32Array(n + 1);
  const items: number[] = [];
  const probs: number[] = [];
  const walk = new HistoryWalker(m.pop.length, m.decay);
  for (let r = 0; r < n; r++) {
    walk.reset();
    for (let e = from[r]; e < to[r]; e++) walk.push(item[e]);
    [repeat[r], seq[r]] = gates(m, walk.n > 0 ? walk.z() : 0, walk.n > 0);
    let p = 0;
    for (const y of walk.items) {
      items.push(y);
      probs.push(walk.prob(y));
      p += m.pop[y];
    }
    popInHist[r] = p;
    ptr[r + 1] = items.length;
  }
  return {
    repeat,
    seq,
    keep: m.keep,
    popProbs: m.pop,
    popInHist,
    histPtr: ptr,
    histItems: Int32Array.from(items),
    histProbs: Float32Array.from(probs),
  };
}
