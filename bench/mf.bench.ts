// Fit time of the MF baselines (core/models/mf) per epoch / sweep on an ML-1M-shaped synthetic dataset
// (6,040 users × 3,706 items, ~1M events, seed 1), every event used for training. Single-threaded plain TS.
import { summarize, table, type Bench } from './lib';
import { buildSynthDataset, makeWorld, presetConfig } from '../src/core/data/synthetic/index';
import { fitALS, fitBPR, fitLogisticMF } from '../src/core/models/mf/index';
import type { FitProgress, TrainData } from '../src/core/models/types';
import { createRng } from '../src/core/util/rng';

/** Times between epoch-closing progress reports (the first measured from the fit's start, so it includes setup). */
function epochClock() {
  const t0 = performance.now();
  let last = t0;
  const ms: number[] = [];
  return {
    ms,
    onProgress(p: FitProgress) {
      if (p.batch !== p.batches) return;
      const t = performance.now();
      ms.push(t - last);
      last = t;
    },
  };
}

const bench: Bench = {
  name: 'mf',
  title: 'MF baselines: fit time per epoch (ML-1M shape)',
  async run() {
    const w = makeWorld(presetConfig('ml1m', 1));
    if (!w.ok) throw new Error(w.reason);
    const dataset = buildSynthDataset(w.data);
    const train: TrainData = { dataset, trainEnd: dataset.userOffsets.slice(1) };
    const events = dataset.item.length;
    const rows: (string | number)[][] = [];
    const D = 32;

    const als = epochClock();
    await fitALS(train, { rng: createRng(1), dim: D, iterations: 4, onProgress: als.onProgress });
    const a = summarize(als.ms.slice(1));
    rows.push([
      'ALS (α 40, λ 0.1)',
      'sweep (users + items + objective)',
      String(a.runs),
      a.median,
      a.min,
      a.max,
      `${formatRate((dataset.nUsers + dataset.nItems) / a.median)} solves/ms`,
    ]);

    const lmf = epochClock();
    await fitLogisticMF(train, { rng: createRng(1), dim: D, iterations: 3, onProgress: lmf.onProgress });
    const l = summarize(lmf.ms.slice(1));
    const pairs = dataset.nUsers * dataset.nItems;
    rows.push([
      'LogisticMF',
      'sweep (user + item dense gradient, log-lik fused)',
      String(l.runs),
      l.median,
      l.min,
      l.max,
      `${formatRate((2 * pairs) / l.median / 1e3)} M pairs/s`,
    ]);

    const bpr = epochClock();
    await fitBPR(train, { rng: createRng(1), dim: D, nNegatives: 10, epochs: 2, onProgress: bpr.onProgress });
    const b = summarize(bpr.ms.slice(1));
    rows.push([
      'BPR (10 user + 10 item negatives / event)',
      'epoch',
      String(b.runs),
      b.median,
      b.min,
      b.max,
      `${formatRate((events * 10) / b.median / 1e3)} M triplet pairs/s`,
    ]);

    return [
      `Synthetic \`ml1m\` preset: ${dataset.nUsers} users × ${dataset.nItems} items, ${events} events; D = ${D}. ` +
        'Times exclude the first epoch (count matrix, samplers, allocation, JIT warm-up). LogisticMF is dense over all ' +
        'user × item pairs by design (Johnson 2014), so its cost scales with users × items, not with events.',
      '',
      table(['model', 'unit', 'timed units', 'median ms', 'min ms', 'max ms', 'throughput'], rows),
    ].join('\n');
  },
};

const formatRate = (v: number) => (v >= 10 ? v.toFixed(0) : v.toFixed(2));

export default bench;
