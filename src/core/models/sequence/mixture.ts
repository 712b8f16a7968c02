import type { NextItemMixture } from '../types';

/**
 * The next-item distribution in a repeat mode and an explore mode (RepeatNet; paper 003's repeat intention: a user
 * either re-consumes an item of its history or explores one it has not had):
 *   p(y|x) = r(x)·p_hist(y|x)                                              for y in the history H,
 *   p(y|x) = (1 − r(x))·(u(x)·p_seq(y|x) + (1 − u(x))·p_pop(y)) / D(x)      for y not in H,
 * p_hist the history's items with event weights decay^(events since) (recent ones count more), p_seq the sequence
 * model's softmax over items (eq. 1), p_pop the items' training frequency, and D = u·(1 − p_seq(H)) + (1 − u)·(1 −
 * p_pop(H)) the explore part's mass outside H (so exploring never re-proposes a consumed item). p_pop keeps p_seq's
 * confident mistakes from ranking a user first for an item (what UserRec, comparing users per item, punishes).
 * Both gates are logistic in z(x), the log-odds of the user's re-consumption rate so far, (repeats + ½)/(new + ½):
 * MuseNet's auxiliary label (the fraction of a user's events that repeat an earlier item) as the gates' input;
 * r = σ(a_r + b_r z) (0 without a history), u = σ(a_u + b_u z).
 * Fitted by maximum likelihood of held-out users' next items, where the likelihood splits in three: the decay by
 * the repeat events' log p_hist (a grid), r by a logistic regression of "the next item repeats", u by the explore
 * events' log-likelihood (Newton, two parameters).
 */

/** Fitted mixture: plain data, stored with the model. */
export interface MixtureParams {
  /** Weight of an event k events back in p_hist is decay^k (1: every past event alike). */
  decay: number;
  /** Repeat gate r = σ(repeat[0] + repeat[1]·z). */
  repeat: [number, number];
  /** Explore share of p_seq, u = σ(seq[0] + seq[1]·z). */
  seq: [number, number];
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

/** Newton's method with backtracking on a concave-ish 2-parameter objective; gradient and Hessian by the caller. */
function newton2(
  f: (th: [number, number]) => { v: number; g: [number, number]; h: [number, number, number] },
  start: [number, number],
  maxIter = 50,
): { th: [number, number]; v: number } {
  let th = start;
  let cur = f(th);
  for (let it = 0; it < maxIter; it++) {
    // Step solving H Δ = −g with H made negative definite (a ridge toward gradient ascent when it is not).
    let [h11, h12, h22] = cur.h;
    const ridge = Math.max(0, Math.max(h11, h22) + 1e-9) + 1e-9 * (Math.abs(h11) + Math.abs(h22) + 1);
    h11 -= ridge;
    h22 -= ridge;
    const det = h11 * h22 - h12 * h12;
    // Not negative definite even so: a scaled gradient step.
    const d: [number, number] =
      det > 0
        ? [(-h22 * cur.g[0] + h12 * cur.g[1]) / det, (h12 * cur.g[0] - h11 * cur.g[1]) / det]
        : [cur.g[0] / (Math.abs(h11) + Math.abs(h22) + 1), cur.g[1] / (Math.abs(h11) + Math.abs(h22) + 1)];
    let accepted = false;
    for (let ls = 0, s = 1; ls < 30; ls++, s *= 0.5) {
      const cand: [number, number] = [
        Math.max(-30, Math.min(30, th[0] + s * d[0])),
        Math.max(-30, Math.min(30, th[1] + s * d[1])),
      ];
      const next = f(cand);
      if (next.v > cur.v) {
        accepted = next.v - cur.v > 1e-12 * Math.max(1, Math.abs(cur.v));
        th = cand;
        cur = next;
        break;
      }
    }
    if (!accepted) break;
  }
  return { th, v: cur.v };
}

/** r's logistic regression: Σ over tokens with a history of log r (repeats) or log(1 − r) (the rest). */
function fitRepeatGate(t: TokenTable): { th: [number, number]; v: number } {
  return newton2(
    (th) => {
      let v = 0;
      const g: [number, number] = [0, 0];
      const h: [number, number, number] = [0, 0, 0];
      for (let i = 0; i < t.z.length; i++) {
        if (!t.hasHist[i]) continue;
        const z = t.z[i];
        const r = sigmoid(th[0] + th[1] * z);
        const y = t.repeat[i];
        v += y ? Math.log(r + 1e-300) : Math.log(1 - r + 1e-300);
        const e = y - r;
        g[0] += e;
        g[1] += e * z;
        const w = r * (1 - r);
        h[0] -= w;
        h[1] -= w * z;
        h[2] -= w * z * z;
      }
      return { v, g, h };
    },
    [-3, 0],
  );
}

/** u's fit: Σ over explore tokens of log(u s + (1 − u) π) − log(u (1 − S) + (1 − u)(1 − P)); Hessian by differences. */
function fitSeqGate(t: TokenTable): { th: [number, number]; v: number } {
  const value = (th: [number, number]) => {
    let v = 0;
    const g: [number, number] = [0, 0];
    for (let i = 0; i < t.z.length; i++) {
      if (t.repeat[i]) continue;
      const z = t.z[i];
      const u = sigmoid(th[0] + th[1] * z);
      const num = t.pPop[i] + u * (t.pSeq[i] - t.pPop[i]);
      const den = 1 - t.popHist[i] + u * (t.popHist[i] - t.seqHist[i]);
      v += Math.log(num + 1e-300) - Math.log(Math.max(den, 1e-300));
      // d/dt with u = σ(t): u(1 − u)·[(s − π)/num − (P − S)/den].
      const d = u * (1 - u) * ((t.pSeq[i] - t.pPop[i]) / (num + 1e-300) - (t.popHist[i] - t.seqHist[i]) / den);
      g[0] += d;
      g[1] += d * z;
    }
    return { v, g };
  };
  return newton2(
    (th) => {
      const c = value(th);
      const eps = 1e-4;
      const a = value([th[0] + eps, th[1]]);
      const b = value([th[0], th[1] + eps]);
      const h: [number, number, number] = [
        (a.g[0] - c.g[0]) / eps,
        ((a.g[1] - c.g[1]) / eps + (b.g[0] - c.g[0]) / eps) / 2,
        (b.g[1] - c.g[1]) / eps,
      ];
      return { v: c.v, g: c.g, h };
    },
    [2, 0],
  );
}

/**
 * The mixture for held-out tokens: the decay of DECAY_GRID with the most likely repeats, then the two gates. `pop` is
 * p_pop over items. Returns null when there are no tokens (the model keeps p_seq alone).
 */
export function fitMixture(item: Int32Array, held: HeldOutTokens, pop: Float32Array): MixtureParams | null {
  const n = held.pSeq.length;
  if (n === 0) return null;
  let seqLogLik = 0;
  for (let i = 0; i < n; i++) seqLogLik += Math.log(held.pSeq[i] + 1e-30);
  let best: { decay: number; t: TokenTable; histLik: number } | null = null;
  for (const decay of DECAY_GRID) {
    const t = tokenTable(item, held, pop, decay);
    let histLik = 0;
    for (let i = 0; i < n; i++) if (t.repeat[i]) histLik += Math.log(t.pHist[i]);
    if (!best || histLik > best.histLik) best = { decay, t, histLik };
  }
  const { decay, t, histLik } = best!;
  const r = fitRepeatGate(t);
  const u = fitSeqGate(t);
  return {
    decay,
    repeat: r.th,
    seq: u.th,
    pop,
    logLik: (histLik + r.v + u.v) / n,
    seqLogLik: seqLogLik / n,
    tokens: n,
  };
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
    popProbs: m.pop,
    popInHist,
    histPtr: ptr,
    histItems: Int32Array.from(items),
    histProbs: Float32Array.from(probs),
  };
}
