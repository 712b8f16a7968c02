// The fitted next-item model p̂(y|x) against the synthetic world's true p(y|x), row by row (not a timed bench; its
// figures go into docs/benchmarks.md's quality section by hand). For one quality preset and seeds, the RNN fitted as in
// the quality bench (its settings, or SEQUENCE-JSON over them), then per p(y|x) source on the test rows:
//   kl        mean over rows of KL(p_true ‖ p̂), nats (0: the truth);
//   rhoUser   Spearman's ρ across users of p̂(y|x) against p_true(y|x), per item, averaged with the items' test
//             counts as weights: how well p̂ orders the users for one item, what UserRec asks of it;
//   userTrue  UserRec recall of λ_true·p̂, userHP of λ̂_HP·p̂ (both as ratios of the oracle's), itemRec of p̂ (ratio);
//   userTrueSd, userHPSd  the bootstrap sd of those ratios over the items (UserRec is a mean over items, so resampling
//             the items with replacement, both scores paired, says how far one seed's ratio moves by which items it has);
//   userTrueExp, userHPExp  the same ratios with the world's expected counts λ_true·p_true in place of the window's
//             events (per item: the chosen users' expected count over all users'): the seed's world without the luck
//             of which users happened to come in its 50 days;
//   userHPEnd, userHPEndExp  userHP and userHPExp with λ̂_HP told who leaves during the window and when: times the
//             share of the window before the user leaves (λ_true integrates only up to it; an exponential life leaves no
//             trace in a history, so no fit can know it). Per seed also leaversTopC: of λ̂_HP's top C users, those who
//             leave during the window (λ̂_HP, λ_true, days to leaving, history events, days since the last).
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
import { topCPerColumn } from '../src/core/metrics/topk';
import { createRng } from '../src/core/util/rng';
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
  // Share of the window before the user leaves, for users still there at T (those gone before keep the fit's P̂(there)).
  const inWindow = (r: number) => {
    const left = world.users.end[test.users[r]] - test.testStart[r];
    return left <= 0 ? 1 : Math.min(1, left / test.horizon);
  };
  const lamHPEnd = Float64Array.from(lamHP, (v, r) => v * inWindow(r));
  const leaversTopC = Array.from(lamHP, (v, r) => [v, r])
    .sort((a, b) => b[0] - a[0])
    .slice(0, onePercent(n))
    .filter(([, r]) => inWindow(r) < 1)
    .map(([v, r]) => {
      const last = dataset.time[test.histEnd[r] - 1];
      return {
        lamHP: v,
        lamTrue: truth.expectedCount[r],
        leavesAfterDays: (inWindow(r) * test.horizon) / 86_400,
        events: test.histEnd[r] - dataset.userOffsets[test.users[r]],
        daysSinceLast: (test.testStart[r] - last) / 86_400,
      };
    });
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
  if (test.excludeTrain) throw new Error('the per-item recall below does not mask history items');
  // Per item, the users among its top C by λ·p.
  const chosenBy = (lam: ArrayLike<number>, p: Float32Array): Uint8Array => {
    const sel = topCPerColumn(scaled(lam, p), topC);
    const chosen = new Uint8Array(n * V);
    for (let c = 0; c < V; c++) for (let q = 0; q < sel.k; q++) chosen[sel.members[c * sel.k + q] * V + c] = 1;
    return chosen;
  };
  // Per item: the chosen users' share of the item's weight (0 for an item without any), given weights (r, item, w).
  type Weights = (visit: (r: number, c: number, w: number) => void) => void;
  const chosenShare = (chosen: Uint8Array, weights: Weights): Float64Array => {
    const got = new Float64Array(V);
    const all = new Float64Array(V);
    weights((r, c, w) => {
      all[c] += w;
      if (chosen[r * V + c]) got[c] += w;
    });
    return got.map((g, c) => (all[c] > 0 ? g / all[c] : 0));
  };
  const testEvents: Weights = (visit) => {
    for (let r = 0; r < n; r++)
      for (let q = test.target.indptr[r]; q < test.target.indptr[r + 1]; q++)
        visit(r, test.target.indices[q], test.target.data[q]);
  };
  const expectedCounts: Weights = (visit) => {
    for (let r = 0; r < n; r++) for (let c = 0; c < V; c++) visit(r, c, lamTrue[r] * pTrue[r * V + c]);
  };
  const mean = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0) / xs.length;
  // Per-item UserRec recall: hits among the item's top-C users over its test events (evaluateUserRec before its mean).
  const perItem = (lam: ArrayLike<number>, p: Float32Array): Float64Array => {
    const rec = chosenShare(chosenBy(lam, p), testEvents);
    if (Math.abs(mean(rec) - userRec(lam, p)) > 1e-9) throw new Error(`per-item recall ${mean(rec)} ≠ evaluateUserRec`);
    return rec;
  };
  // Expected UserRec recall under the world: the mean over items of the chosen users' share of the expected count.
  const expectedUserRec = (lam: ArrayLike<number>, p: Float32Array): number =>
    mean(chosenShare(chosenBy(lam, p), expectedCounts));
  const oracleExp = expectedUserRec(lamTrue, pTrue);
  // Bootstrap over items, paired: the sd of Σ recall_fit / Σ recall_oracle over item sets drawn with replacement.
  const B = 2000;
  const rng = createRng(seed);
  const draws = Int32Array.from({ length: B * V }, () => rng.int(V));
  const oracleItems = perItem(lamTrue, pTrue);
  const ratioSd = (fit: Float64Array): number => {
    const rs = new Float64Array(B);
    for (let b = 0; b < B; b++) {
      let f = 0;
      let o = 0;
      for (let q = b * V; q < (b + 1) * V; q++) {
        f += fit[draws[q]];
        o += oracleItems[draws[q]];
      }
      rs[b] = f / o;
    }
    const m = rs.reduce((a, x) => a + x, 0) / B;
    return Math.sqrt(rs.reduce((a, x) => a + (x - m) ** 2, 0) / (B - 1));
  };
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
      userTrueSd: ratioSd(perItem(lamTrue, p)),
      userHPSd: ratioSd(perItem(lamHP, p)),
      userTrueExp: expectedUserRec(lamTrue, p) / oracleExp,
      userHPExp: expectedUserRec(lamHP, p) / oracleExp,
      userHPEnd: userRec(lamHPEnd, p) / oracleUser,
      userHPEndExp: expectedUserRec(lamHPEnd, p) / oracleExp,
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
      leaversTopC,
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
