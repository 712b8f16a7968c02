// The fitted next-item model p̂(y|x) against the synthetic world's true p(y|x), row by row (not a timed bench; its
// figures go into docs/benchmarks.md's quality section by hand). For one quality preset and seeds, the RNN fitted as in
// the quality bench (its settings, or SEQUENCE-JSON over them), then per p(y|x) source on the test rows:
//   kl        mean over rows of KL(p_true ‖ p̂), nats (0: the truth);
//   rhoUser   Spearman's ρ across users of p̂(y|x) against p_true(y|x), per item, averaged with the items' test
//             counts as weights: how well p̂ orders the users for one item, what UserRec asks of it;
//   userTrue  UserRec recall of λ_true·p̂, userHP of λ̂_HP·p̂ (both as ratios of the oracle's), itemRec of p̂ (ratio).
// Sources: the truth; `posterior`, the world's own structure with θ_u estimated from the history (topic counts plus
// the Dirichlet prior) — what a model that knew φ and ρ could do with these histories; the RNN's mixture and its
// softmax alone; item popularity; the user's own smoothed history.
//   npx tsx bench/nextitem.node.ts PRESET SEEDS [SEQUENCE-JSON]
// e.g. npx tsx bench/nextitem.node.ts topics-broad 1,2,3 '{"patience":3}'
import '@tensorflow/tfjs';
import { useWasm } from './wasm';
import { spearman, SYNTH_SEQ } from './quality.bench';
import { datasetEvents, generateSynthetic, QUALITY_PRESETS, truthAt } from '../src/core/data/synthetic/index';
import { makeSplit } from '../src/core/data/split';
import type { EvalSet } from '../src/core/data/types';
import { evaluateItemRec, evaluateUserRec, onePercent } from '../src/core/metrics/evaluate';
import { rimScores } from '../src/core/models/compose';
import { denseScores, materialize } from '../src/core/models/scores';
import { trainItemCounts } from '../src/core/models/intensity/history';
import { defaultRegistry } from '../src/core/pipeline/defaultRegistry';
import type { RunConfig } from '../src/core/pipeline/config';

const [name, seedList, seqJson] = process.argv.slice(2);
const preset = QUALITY_PRESETS.find((p) => p.name === name);
if (!preset || !seedList) throw new Error('usage: nextitem.node.ts PRESET SEEDS [SEQUENCE-JSON]');
await useWasm();

for (const seed of seedList.split(',').map(Number)) {
  const g = generateSynthetic({ ...preset.config, seed });
  if (!g.ok) throw new Error(g.reason);
  const { world, dataset } = g.data;
  const config: RunConfig = { split: { kind: 'temporal', horizon: preset.horizon }, models: [], seed };
  const sp = makeSplit(dataset, config.split);
  if (!sp.ok) throw new Error(sp.reason);
  const split = sp.data;
  const test: EvalSet = split.test;
  const seq = { ...SYNTH_SEQ, ...(seqJson ? JSON.parse(seqJson) : {}) };
  const validLoss: number[] = [];
  const session = defaultRegistry({ sequence: seq }).session({
    dataset,
    split,
    config,
    onProgress: (_, p) => {
      if (p.validLoss !== undefined) validLoss.push(Number(p.validLoss.toFixed(4)));
    },
  });
  const t0 = Date.now();
  const rnn = await session.nextItem('RNN');
  if (!rnn.ok) throw new Error(rnn.reason);
  const fitSeconds = (Date.now() - t0) / 1000;
  const hp = await session.intensity('HP');
  if (!hp.ok) throw new Error(hp.reason);
  const n = test.users.length;
  const V = dataset.nItems;
  const truth = truthAt(world, test.users, test.testStart, test.horizon, datasetEvents(dataset));
  const ones = new Float64Array(n).fill(1);
  const pTrue = new Float32Array(n * V);
  for (let r = 0; r < n; r++) truth.itemProbs(r, pTrue.subarray(r * V, (r + 1) * V));
  // θ_u's posterior mean from the history's topics (the Dirichlet prior plus counts), then the world's formula.
  const K = world.items.nTopics;
  const alpha = world.config.topicConcentration;
  const rho = world.items.recency;
  const post = new Float32Array(n * V);
  for (let r = 0; r < n; r++) {
    const u = test.users[r];
    const counts = new Float64Array(K).fill(alpha);
    let tot = K * alpha;
    for (let e = dataset.userOffsets[u]; e < test.histEnd[r]; e++) {
      counts[world.items.itemTopic[dataset.item[e]]]++;
      tot++;
    }
    const last = test.histEnd[r] > dataset.userOffsets[u] ? dataset.item[test.histEnd[r] - 1] : -1;
    const rr = last >= 0 ? rho : 0;
    for (let k = 0; k < K; k++) {
      const wk = ((1 - rr) * counts[k]) / tot + (last >= 0 && world.items.itemTopic[last] === k ? rr : 0);
      for (let y = 0; y < V; y++) post[r * V + y] += wk * world.items.topicItem[k * V + y];
    }
  }
  const f = await rnn.data.model.factors(test);
  const mixP = materialize(rimScores(ones, f)) as Float32Array;
  const softP = materialize(rimScores(ones, { ...f, mix: undefined })) as Float32Array;
  const counts = trainItemCounts(dataset, split.trainEnd);
  const ctot = counts.reduce((a, b) => a + b, 0);
  const popP = new Float32Array(n * V);
  const histP = new Float32Array(n * V);
  for (let r = 0; r < n; r++) {
    const u = test.users[r];
    const h = test.histEnd[r] - dataset.userOffsets[u];
    for (let y = 0; y < V; y++) {
      popP[r * V + y] = counts[y] / ctot;
      histP[r * V + y] = counts[y] / ctot / (h + 1);
    }
    for (let e = dataset.userOffsets[u]; e < test.histEnd[r]; e++) histP[r * V + dataset.item[e]] += 1 / (h + 1);
  }
  const lamTrue = truth.expectedCount;
  const lamHP = hp.data.model.predict(test);
  const topK = onePercent(V);
  const topC = onePercent(n);
  const scaled = (lam: ArrayLike<number>, p: Float32Array) =>
    denseScores(
      n,
      V,
      Float32Array.from(p, (v, i) => v * lam[Math.floor(i / V)]),
    );
  const userRec = (lam: ArrayLike<number>, p: Float32Array) =>
    evaluateUserRec(scaled(lam, p), test, { topC, dataset }).recall;
  const oracleUser = userRec(lamTrue, pTrue);
  const oracleItem = evaluateItemRec(denseScores(n, V, pTrue), test, { topK, dataset }).recall;
  // Items' test counts, the weights of the per-item ρ.
  const itemTest = new Float64Array(V);
  for (let q = 0; q < test.target.data.length; q++) itemTest[test.target.indices[q]] += test.target.data[q];
  const wTot = itemTest.reduce((a, b) => a + b, 0);
  const rows: Record<string, Record<string, number>> = {};
  const sources: [string, Float32Array][] = [
    ['truth', pTrue],
    ['posterior', post],
    ['RNN mixture', mixP],
    ['RNN softmax', softP],
    ['Pop', popP],
    ['History', histP],
  ];
  for (const [label, p] of sources) {
    let kl = 0;
    for (let r = 0; r < n; r++)
      for (let y = 0; y < V; y++) {
        const t = pTrue[r * V + y];
        if (t > 0) kl += t * Math.log(t / Math.max(1e-30, p[r * V + y]));
      }
    let rho = 0;
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    for (let y = 0; y < V; y++) {
      if (itemTest[y] === 0) continue;
      for (let r = 0; r < n; r++) {
        a[r] = p[r * V + y];
        b[r] = pTrue[r * V + y];
      }
      rho += (itemTest[y] * spearman(a, b)) / wTot;
    }
    rows[label] = {
      kl: kl / n,
      rhoUser: rho,
      userTrue: userRec(lamTrue, p) / oracleUser,
      userHP: userRec(lamHP, p) / oracleUser,
      itemRec: evaluateItemRec(denseScores(n, V, p), test, { topK, dataset }).recall / oracleItem,
    };
  }
  const m = rnn.data.meta;
  console.log(
    JSON.stringify({
      preset: name,
      seed,
      seq,
      oracleUser,
      oracleItem,
      fit: {
        seconds: fitSeconds,
        epochs: m.epochs,
        bestEpoch: m.bestEpoch,
        batchSize: m.batchSize,
        mixture: m.mixture,
        validLoss,
      },
      rows,
    }),
  );
  await session.dispose();
}
process.exit(0);
