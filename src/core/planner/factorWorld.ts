/**
 * Factored scores straight from a synthetic world's ground truth (core/data/synthetic), without simulating its
 * events: the planner at scale needs the scores, and 100M simulated events would cost minutes and gigabytes for
 * nothing the planner reads. λ(x, y) = λ(x) · Σ_k θ_xk φ_ky (items.ts: the next-item model of a user with no
 * history yet, i.e. without the recency term), λ(x) = the user's expected events over the world's span (generate.ts,
 * calibrated so that they sum to the world's target event count). So user vectors are θ (D = topics), item vectors
 * φ's columns, link linear.
 */
import { makeWorld } from '../data/synthetic/generate';
import type { SynthConfig } from '../data/synthetic/config';
import type { Result } from '../util/result';
import { ok } from '../util/result';
import type { Factors } from './factors';

export function worldFactors(config: SynthConfig): Result<Factors, 'bad-config'> {
  const w = makeWorld(config);
  if (!w.ok) return w;
  const { users, items } = w.data;
  const D = items.nTopics;
  const p = items.nItems;
  const itemVecs = new Float32Array(p * D);
  for (let k = 0; k < D; k++) for (let y = 0; y < p; y++) itemVecs[y * D + k] = items.topicItem[k * p + y];
  return ok({
    nUsers: config.nUsers,
    nItems: p,
    dim: D,
    users: Float32Array.from(users.topics),
    items: itemVecs,
    lambda: Float32Array.from(users.expectedEvents),
    itemBias: null,
    link: 'linear',
  });
}
