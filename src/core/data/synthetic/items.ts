/**
 * The next-item model p(y|x) of the synthetic world: a topic mixture over items with power-law popularity, plus a
 * recency term, all exactly computable so that it can serve as ground truth:
 *
 *   p(y | x) = (1 − ρ) Σ_k θ_u[k] φ_k[y] + ρ φ_{z(last)}[y]          (user u with last item `last`)
 *   p(y | x) = Σ_k θ_u[k] φ_k[y]                                     (no history yet)
 *
 * θ_u ~ Dirichlet(c): the user's topic mixture. z(i): the topic item i belongs to. φ_k[y] ∝ w_y · (z(y) = k ? 1 : ε),
 * with w the Zipf–Mandelbrot popularity of y's rank. The item choice does not feed back into the timing, so
 * λ(x, y) = λ(x)·p(y|x) is the intensity of item y at the instant of x (paper eq. 1's factorisation).
 */
import type { Rng } from '../../util/rng';
import { shuffleInPlace } from '../../util/rng';
import type { ResolvedSynthConfig } from './config';
import { sampleDirichlet, searchCdf } from './sampling';

export interface ItemModel {
  nItems: number;
  nTopics: number;
  /** ρ, the weight of the last item's topic. */
  recency: number;
  /** z(i): topic of each item. */
  itemTopic: Int32Array;
  /** Popularity weight w_i (unnormalised), for display. */
  itemPopularity: Float64Array;
  /** φ, nTopics × nItems row-major, each row sums to 1. */
  topicItem: Float64Array;
  /** Cumulative sums of each φ row (for inverse-CDF sampling). */
  topicItemCdf: Float64Array;
}

export function makeItemModel(c: ResolvedSynthConfig, rng: Rng): ItemModel {
  const n = c.nItems;
  const K = c.nTopics;
  // Popularity by rank, then a random item ↔ rank assignment so item ids carry no order.
  const rank = shuffleInPlace(
    Int32Array.from({ length: n }, (_, i) => i),
    rng,
  );
  const q = Math.max(1, n / 50);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = Math.pow(rank[i] + q, -c.zipfExponent);
  // Topics: each item one topic, balanced (i mod K over a shuffled order), so every topic has head and tail items.
  const order = shuffleInPlace(
    Int32Array.from({ length: n }, (_, i) => i),
    rng,
  );
  const itemTopic = new Int32Array(n);
  for (let j = 0; j < n; j++) itemTopic[order[j]] = j % K;
  const topicItem = new Float64Array(K * n);
  const cdf = new Float64Array(K * n);
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const v = w[i] * (itemTopic[i] === k ? 1 : c.offTopic);
      topicItem[k * n + i] = v;
      s += v;
    }
    let acc = 0;
    for (let i = 0; i < n; i++) {
      topicItem[k * n + i] /= s;
      acc += topicItem[k * n + i];
      cdf[k * n + i] = acc;
    }
    cdf[k * n + n - 1] = 1; // exact top so a draw in [0, 1) always lands
  }
  return { nItems: n, nTopics: K, recency: c.recency, itemTopic, itemPopularity: w, topicItem, topicItemCdf: cdf };
}

/** θ for every user, nUsers × nTopics row-major. */
export function makeUserTopics(nUsers: number, c: ResolvedSynthConfig, rng: Rng): Float64Array {
  const K = c.nTopics;
  const out = new Float64Array(nUsers * K);
  for (let u = 0; u < nUsers; u++) sampleDirichlet(c.topicConcentration, rng, out.subarray(u * K, (u + 1) * K));
  return out;
}

/** Draws the next item of a user with topic mixture `theta` whose last item is `last` (−1: none). */
export function sampleItem(m: ItemModel, theta: Float64Array, last: number, rng: Rng): number {
  let k: number;
  if (last >= 0 && rng.next() < m.recency) {
    k = m.itemTopic[last];
  } else {
    const x = rng.next();
    let acc = 0;
    k = m.nTopics - 1;
    for (let j = 0; j < m.nTopics; j++) {
      acc += theta[j];
      if (x < acc) {
        k = j;
        break;
      }
    }
  }
  return searchCdf(m.topicItemCdf, k * m.nItems, (k + 1) * m.nItems, rng.next());
}

/** Writes p(y | x) for all items y into out (length nItems): the formula in the header. */
export function nextItemProbs(m: ItemModel, theta: Float64Array, last: number, out: Float32Array | Float64Array): void {
  const n = m.nItems;
  const rho = last >= 0 ? m.recency : 0;
  out.fill(0);
  for (let k = 0; k < m.nTopics; k++) {
    const wk = (1 - rho) * theta[k] + (last >= 0 && m.itemTopic[last] === k ? rho : 0);
    if (wk === 0) continue;
    const base = k * n;
    for (let i = 0; i < n; i++) out[i] += wk * m.topicItem[base + i];
  }
}
