// The RIM compositions with and without the validation-window temperature (core/models/calibrate), on one log and
// split, each sequence model fitted once: prints one JSON object (recall per model, the chosen τ, the sequence fits'
// epochs and seconds). Not a timed bench; its figures go into docs/benchmarks.md's quality section by hand.
//   npx tsx bench/calibration.node.ts FILE SPLIT-JSON SEQUENCE-JSON [EPOCHS]
// e.g. npx tsx bench/calibration.node.ts ratings.csv '{"kind":"user","seed":0}' '{"hidden":32,"layers":1,"maxLen":64}' 10
// or, on a quality preset with ground truth (the quality bench's run of one preset and seed, its RNN settings):
//   npx tsx bench/calibration.node.ts quality:topics-broad:1
// or the fitted intensities alone against the world's truth, user by user (quality.bench's intensityTruth):
//   npx tsx bench/calibration.node.ts intensity:topics-broad:1,2,3
// or quality.bench's MovieLens UserRec diagnosis (HP's λ with each p(y|x); QUALITY_DIAG_SEQ, QUALITY_DIAG_SPLIT_SEED):
//   npx tsx bench/calibration.node.ts userrec
import '@tensorflow/tfjs';
import { useWasm } from './wasm';
import { intensityTruth, SYNTH_SEQ, synthRun, tauCurve, userRecDiagnosis, type TauCurve } from './quality.bench';
import { QUALITY_PRESETS } from '../src/core/data/synthetic/index';
import { loadDataset } from '../src/cli/commands/run';
import { makeSplit } from '../src/core/data/split';
import { evaluateItemRec, evaluateUserRec, onePercent } from '../src/core/metrics/evaluate';
import { rimScorer } from '../src/core/models/compose';
import { defaultRegistry } from '../src/core/pipeline/defaultRegistry';
import type { RunConfig } from '../src/core/pipeline/config';
import type { Scorer } from '../src/core/models/types';

const [file, splitJson, seqJson, epochs] = process.argv.slice(2);
await useWasm();
if (file?.startsWith('quality:')) {
  const [, name, seed] = file.split(':');
  const preset = QUALITY_PRESETS.find((p) => p.name === name);
  if (!preset) throw new Error(`no quality preset ${name}`);
  console.log(JSON.stringify(await synthRun(preset, Number(seed), false, SYNTH_SEQ), null, 1));
  process.exit(0);
}
if (file === 'userrec') {
  console.log(await userRecDiagnosis());
  process.exit(0);
}
if (file?.startsWith('intensity:')) {
  const [, name, seeds] = file.split(':');
  const preset = QUALITY_PRESETS.find((p) => p.name === name);
  if (!preset) throw new Error(`no quality preset ${name}`);
  for (const seed of seeds.split(',').map(Number))
    console.log(JSON.stringify({ preset: name, seed, ...(await intensityTruth(preset, seed)) }));
  process.exit(0);
}
if (!file || !splitJson || !seqJson)
  throw new Error('usage: calibration.node.ts FILE SPLIT-JSON SEQUENCE-JSON [EPOCHS]');
const ds = await loadDataset(file);
if (!ds.ok) throw new Error(ds.reason);
const dataset = ds.data;
const config: RunConfig = {
  split: JSON.parse(splitJson),
  models: [],
  seed: 1,
  ...(epochs ? { epochs: Number(epochs) } : {}),
};
const sp = makeSplit(dataset, config.split);
if (!sp.ok) throw new Error(sp.reason);
const split = sp.data;
const session = defaultRegistry({ sequence: JSON.parse(seqJson) }).session({
  dataset,
  split,
  config,
  onProgress: (m, p) => {
    if (p.validLoss !== undefined)
      process.stderr.write(`${m} epoch ${p.epoch}: loss ${p.loss.toFixed(3)}, valid ${p.validLoss.toFixed(3)}\n`);
  },
});
const test = split.test;
const topK = onePercent(test.target.nCols);
const topC = onePercent(test.users.length);
const out: Record<string, unknown> = { file, split: split.config, testUsers: test.users.length, topK, topC };
const item: Record<string, number> = {};
const user: Record<string, number> = {};
const tau: Record<string, number | null> = {};
const fits: Record<string, unknown> = {};
const scorers: Scorer[] = [];
const curves: Record<string, TauCurve> = {};
for (const name of ['Pop', 'Hawkes', 'HP', 'ItemKNN']) {
  const b = await session.build(name);
  if (!b.ok) throw new Error(`${name}: ${b.reason}`);
  scorers.push(b.data.model);
}
for (const seq of ['RNN', 'Transformer'] as const) {
  const t0 = Date.now();
  const nx = await session.nextItem(seq);
  if (!nx.ok) throw new Error(`${seq}: ${nx.reason}`);
  const { epochs: e, bestEpoch, finalValidLoss } = nx.data.meta;
  fits[seq] = { epochs: e, bestEpoch, finalValidLoss, seconds: (Date.now() - t0) / 1000 };
  const b = await session.build(seq);
  if (!b.ok) throw new Error(`${seq}: ${b.reason}`);
  scorers.push(b.data.model);
  for (const lam of ['Hawkes', 'HP'] as const) {
    const name = `${seq}-${lam}`;
    const c = await session.build(name);
    if (!c.ok) throw new Error(`${name}: ${c.reason}`);
    scorers.push(c.data.model);
    const cal = c.data.meta.calibration;
    tau[name] = cal?.tau ?? null;
    const l = await session.intensity(lam);
    if (!l.ok) throw new Error(l.reason);
    scorers.push(rimScorer(`${name} (τ = 1)`, l.data.model, nx.data.model));
    if (cal) curves[name] = await tauCurve(cal, l.data.model, nx.data.model, test, dataset, topC);
  }
}
for (const s of scorers) {
  const src = await s.scores(test);
  item[s.name] = evaluateItemRec(src, test, { topK, dataset }).recall;
  user[s.name] = evaluateUserRec(src, test, { topC, dataset }).recall;
}
await session.dispose();
console.log(JSON.stringify({ ...out, item, user, tau, fits, curves }, null, 1));
