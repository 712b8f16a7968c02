import { solveSymmetric } from '../intensity/hawkesPoisson';
import type { NextItemMixture } from '../types';

/**
 * The next-item distribution as a mixture of three parts, weighted per user state x by a gate:
 *   p(y|x) = g_seq(x)·p_seq(y|x) + g_pop(x)·p_pop(y) + g_hist(x)·p_hist(y|x),
 * p_seq the sequence model's softmax over items (eq. 1), p_pop the items' training frequency, p_hist the user's own
 * history with event weights decay^(events since): the repeat mode of paper 003 (MuseNet's repeat intention: users
 * re-consume items seen before, more so recent ones), p_seq the explore mode, p_pop a floor that keeps p_seq's
 * confident mistakes from ranking a user first for an item (what UserRec, which compares users per item, punishes).
 * The gate is softmax(a_c + b_c·z(x)) over the parts available (no history, no p_hist; seq's a and b are 0), with z
 * the log-odds of the user's re-consumption rate so far, (repeats + ½)/(new items + ½): MuseNet's auxiliary label
 * (the fraction of a user's events that repeat an earlier item) used as the gate's input.
 * Fitted by maximum likelihood of held-out users' next items (their p_seq from the trained model), per decay on a grid.
 */

/** Fitted mixture: plain data, stored with the model. */
export interface MixtureParams {
  /** Weight of an event k events back in p_hist is decay^k (1: every past event alike). */
  decay: number;
  /** Gate intercepts (pop, hist) and slopes on z (pop, hist); seq's are 0. */
  a: [number, number];
  b: [number, number];
  /** p_pop over items. */
  pop: Float32Array;
  /** Mean log-likelihood per held-out token of the mixture, and of p_seq alone (nats). */
  logLik: number;
  seqLogLik: number;
  tokens: number;
}

/** The decays tried when fitting. */
export const DECAY_GRID = [0.5, 0.8, 0.9, 0.95, 0.98, 1] as const;

/**
 * A user's history walked event by event: after `push`ing events j < t, `prob(y)` is p_hist(y) at t and `z` the gate
 * input. Decayed counts are stored as (value at last occurrence, index of it) per item and decayed lazily, so a push
 * is O(1); `reset` starts a new user without clearing arrays (a stamp per item marks the current user).
 */
export class HistoryWalker {
  private readonly value: Float64Array;
  private readonly last: Int32Array;
  private readonly stamp: Int32Array;
  private user = 0;
  /** Events pushed, and how many of them repeated an earlier item of this user. */
  n = 0;
  repeats = 0;

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
  }

  /** Decayed count of y at the next position: Σ_{earlier j with item y} decay^(n − 1 − j). */
  count(y: number): number {
    if (this.stamp[y] !== this.user) return 0;
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
    if (this.stamp[y] === this.user) {
      this.repeats++;
      this.value[y] = this.count(y) * this.decay + 1;
    } else {
      this.stamp[y] = this.user;
      this.value[y] = 1;
    }
    this.last[y] = this.n;
    this.n++;
  }
}

/** Gate weights (seq, pop, hist) for input z; hist only when the user has a history. */
export function gateWeights(
  m: Pick<MixtureParams, 'a' | 'b'>,
  z: number,
  hasHistory: boolean,
): [number, number, number] {
  const lp = m.a[0] + m.b[0] * z;
  const lh = hasHistory ? m.a[1] + m.b[1] * z : -Infinity;
  const mx = Math.max(0, lp, lh);
  const es = Math.exp(-mx);
  const ep = Math.exp(lp - mx);
  const eh = hasHistory ? Math.exp(lh - mx) : 0;
  const s = es + ep + eh;
  return [es / s, ep / s, eh / s];
}

/** Held-out next items: per token its item, p_seq of it, and where its user's history starts. */
export interface HeldOutTokens {
  /** Per user: [from, start, end) event indices; history is [from, t), tokens are t ∈ [start, end). */
  users: { from: number; start: number; end: number }[];
  /** p_seq(item of t) for the tokens, users in order, t ascending. */
  pSeq: Float32Array;
}

interface TokenTable {
  pSeq: Float64Array;
  pPop: Float64Array;
  pHist: Float64Array;
  z: Float64Array;
  hasHist: Uint8Array;
}

function tokenTable(item: Int32Array, held: HeldOutTokens, pop: Float32Array, decay: number): TokenTable {
  const n = held.pSeq.length;
  const t: TokenTable = {
    pSeq: Float64Array.from(held.pSeq),
    pPop: new Float64Array(n),
    pHist: new Float64Array(n),
    z: new Float64Array(n),
    hasHist: new Uint8Array(n),
  };
  const walk = new HistoryWalker(pop.length, decay);
  let k = 0;
  for (const u of held.users) {
    walk.reset();
    for (let e = u.from; e < u.end; e++) {
      const y = item[e];
      if (e >= u.start) {
        t.pPop[k] = pop[y];
        t.pHist[k] = walk.prob(y);
        t.z[k] = walk.n > 0 ? walk.z() : 0;
        t.hasHist[k] = walk.n > 0 ? 1 : 0;
        k++;
      }
      walk.push(y);
    }
  }
  return t;
}

/** Mean log-likelihood of the tokens under gate parameters θ = (a_pop, b_pop, a_hist, b_hist). */
function meanLogLik(t: TokenTable, th: Float64Array): number {
  const m = { a: [th[0], th[2]] as [number, number], b: [th[1], th[3]] as [number, number] };
  let s = 0;
  for (let i = 0; i < t.pSeq.length; i++) {
    const [gs, gp, gh] = gateWeights(m, t.z[i], t.hasHist[i] === 1);
    s += Math.log(gs * t.pSeq[i] + gp * t.pPop[i] + gh * t.pHist[i] + 1e-30);
  }
  return s / Math.max(1, t.pSeq.length);
}

/**
 * Gate parameters maximising the tokens' likelihood for one decay: Newton steps on the EM bound (gradient
 * Σ (r − g)·φ with responsibilities r, curvature Σ φφᵀ ⊗ (diag g − ggᵀ), φ = (1, z)), each kept only if the
 * likelihood rises. Starts from a small weight on pop and hist.
 */
function fitGate(t: TokenTable, maxIter = 100): { theta: Float64Array; logLik: number } {
  const th = Float64Array.of(-3, 0, -3, 0);
  let L = meanLogLik(t, th);
  const n = t.pSeq.length;
  for (let it = 0; it < maxIter; it++) {
    const grad = new Float64Array(4);
    const H = new Float64Array(16);
    const m = { a: [th[0], th[2]] as [number, number], b: [th[1], th[3]] as [number, number] };
    for (let i = 0; i < n; i++) {
      const has = t.hasHist[i] === 1;
      const g = gateWeights(m, t.z[i], has);
      const p = [g[0] * t.pSeq[i], g[1] * t.pPop[i], g[2] * t.pHist[i]];
      const s = p[0] + p[1] + p[2] + 1e-30;
      const phi = [1, t.z[i]];
      // Classes c = pop (index 0 in θ blocks), hist (index 1).
      for (let c = 0; c < 2; c++) {
        if (c === 1 && !has) continue;
        const rc = p[c + 1] / s;
        const gc = g[c + 1];
        for (let f = 0; f < 2; f++) grad[c * 2 + f] += (rc - gc) * phi[f];
        for (let d = 0; d < 2; d++) {
          if (d === 1 && !has) continue;
          const w = (c === d ? gc : 0) - gc * g[d + 1];
          for (let f = 0; f < 2; f++) for (let e = 0; e < 2; e++) H[(c * 2 + f) * 4 + d * 2 + e] += w * phi[f] * phi[e];
        }
      }
    }
    for (let q = 0; q < 4; q++) H[q * 4 + q] += 1e-6 * n;
    const step = solveSymmetric(H, grad, 4);
    if (!step) break;
    let accepted = false;
    for (let ls = 0, k = 1; ls < 30; ls++, k *= 0.5) {
      const cand = Float64Array.from(th, (v, q) => Math.max(-30, Math.min(30, v + k * step[q])));
      const Lc = meanLogLik(t, cand);
      if (Lc > L) {
        const gain = Lc - L;
        th.set(cand);
        L = Lc;
        accepted = gain > 1e-10;
        break;
      }
    }
    if (!accepted) break;
  }
  return { theta: th, logLik: L };
}

/**
 * The mixture for held-out tokens: for each decay of DECAY_GRID the gate of highest likelihood, and of those the best.
 * `pop` is p_pop over items. Returns null when there are no tokens (nothing to fit on: the model keeps p_seq alone).
 */
export function fitMixture(item: Int32Array, held: HeldOutTokens, pop: Float32Array): MixtureParams | null {
  const n = held.pSeq.length;
  if (n === 0) return null;
  let seqLogLik = 0;
  for (let i = 0; i < n; i++) seqLogLik += Math.log(held.pSeq[i] + 1e-30);
  seqLogLik /= n;
  let best: MixtureParams | null = null;
  for (const decay of DECAY_GRID) {
    const fit = fitGate(tokenTable(item, held, pop, decay));
    if (!best || fit.logLik > best.logLik)
      best = {
        decay,
        a: [fit.theta[0], fit.theta[2]],
        b: [fit.theta[1], fit.theta[3]],
        pop,
        logLik: fit.logLik,
        seqLogLik,
        tokens: n,
      };
  }
  return best;
}

/** The mixture's parts for rows whose histories are item[from[r] … to[r]). */
export function mixtureRows(m: MixtureParams, item: Int32Array, from: Int32Array, to: Int32Array): NextItemMixture {
  const n = from.length;
  const seq = new Float32Array(n);
  const pop = new Float32Array(n);
  const hist = new Float32Array(n);
  const ptr = new Int32Array(n + 1);
  const items: number[] = [];
  const probs: number[] = [];
  const walk = new HistoryWalker(m.pop.length, m.decay);
  const seen = new Int32Array(m.pop.length).fill(-1);
  for (let r = 0; r < n; r++) {
    walk.reset();
    for (let e = from[r]; e < to[r]; e++) walk.push(item[e]);
    const [gs, gp, gh] = gateWeights(m, walk.n > 0 ? walk.z() : 0, walk.n > 0);
    seq[r] = gs;
    pop[r] = gp;
    hist[r] = gh;
    for (let e = from[r]; e < to[r]; e++) {
      const y = item[e];
      if (seen[y] === r) continue;
      seen[y] = r;
      items.push(y);
      probs.push(walk.prob(y));
    }
    ptr[r + 1] = items.length;
  }
  return {
    seq,
    pop,
    hist,
    popProbs: m.pop,
    histPtr: ptr,
    histItems: Int32Array.from(items),
    histProbs: Float32Array.from(probs),
  };
}
