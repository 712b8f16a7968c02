// npx tsx bench/claims.ts FILE OUT.json [hidden] [epochs] [MODEL,...] [SWEPT,...]: the evidence of docs/claims.md.
// One run of every model on FILE (user split), scores kept, then each model's β and α sweeps in the three planner
// modes (greedy, offline Dual, online Dual; the online Dual with each of its decision rules) on the same scores, so
// that the modes compare on one fit. FILE as `rimw run` takes it (a log, or synth:PRESET[:SEED]). Writes the results
// JSON (rime fields) plus the sweeps by mode; SWEPT limits the sweeps to those models (default: every model run).
// A seventh argument `online-delivery` replaces the sweeps by claim 3's decomposition (bench/onlineDelivery.ts),
// written under `onlineDelivery` and printed; `online-alpha` does the same for the α sweep (Figure S7's measure, with v
// also calibrated on the test rows as the upper bound), under `onlineAlpha`; `online-resplit` sets that transfer beside
// random re-splits of the pooled validation and test rows (sampling against shift), under `onlineResplit`;
// `beta-sweep` keeps only the β sweeps of greedy and the offline Dual (claim 2), under `sweeps`.
import { writeFileSync } from 'node:fs';
import '@tensorflow/tfjs';
import { chooseBackend, describeChoice } from '../src/cli/backend';
import { loadDataset } from '../src/cli/commands/run';
import { runAndKeep } from '../src/core/pipeline/run';
import { validateRunConfig } from '../src/core/pipeline/config';
import { defaultRegistry } from '../src/core/pipeline/defaultRegistry';
import { denseScores } from '../src/core/models/scores';
import { historyMask } from '../src/core/metrics/mask';
import { maskedScores, matchSweeps } from '../src/core/planner/experiment';
import { rimeMtchPoint } from '../src/core/pipeline/rimeHeader';
import { PLANNER_MODES } from '../src/core/pipeline/config';
import type { OnlineDecision, PlannerMode } from '../src/core/planner/index';
import {
  onlineAlphaDelivery,
  onlineDelivery,
  onlineResplitDelivery,
  type AlphaDeliveryRow,
  type DeliveryRow,
  type ResplitRow,
} from './onlineDelivery';

const [file, out, hiddenArg, epochsArg, modelsArg, sweptArg, analysis] = process.argv.slice(2);
const ANALYSES = ['online-delivery', 'online-alpha', 'online-resplit', 'beta-sweep'];
if (!file || !out || (analysis !== undefined && !ANALYSES.includes(analysis))) {
  console.error(
    `usage: tsx bench/claims.ts FILE OUT.json [hidden] [epochs] [MODEL,...] [SWEPT,...] [${ANALYSES.join('|')}]`,
  );
  process.exit(2);
}
const MODELS = [
  ...['RNN', 'Transformer'].flatMap((s) => ['Pop', 'EMA', 'Hawkes', 'HP'].map((i) => `${s}-${i}`)),
  'RNN',
  'Transformer',
  'Pop',
  'EMA',
  'Hawkes',
  'HP',
  'Rand',
  'BPR',
  'BPR-Item',
  'BPR-User',
  'ALS',
  'LogisticMF',
  'GraphConv-Base',
  'GraphConv-Extra',
];
const hidden = Number(hiddenArg ?? 32);
const epochs = Number(epochsArg ?? 5);
const cfg = validateRunConfig({
  split: { kind: 'user' },
  models: modelsArg ? modelsArg.split(',') : MODELS,
  seed: 1,
  epochs,
  sequence: { hidden, layers: 1, maxLen: 20 },
});
if (!cfg.ok) throw new Error(cfg.reason);
const ds = await loadDataset(file);
if (!ds.ok) throw new Error(ds.reason);
console.error(describeChoice(await chooseBackend('cpu')));
const t0 = Date.now();
let lastReport = 0;
const r = await runAndKeep(ds.data, cfg.data, {
  registry: defaultRegistry({ sequence: cfg.data.sequence }),
  keep: { budgetBytes: 2e9 },
  onProgress: (name, p) => {
    if (Date.now() - lastReport < 30_000) return;
    lastReport = Date.now();
    console.error(`${name} epoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(4)}`);
  },
  onModel: (name, item, user) =>
    console.error(
      `${name.padEnd(16)} ItemRec recall ${item.recall.toFixed(4)} | UserRec recall ${user.recall.toFixed(4)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
    ),
});
if (!r.ok) throw new Error(r.reason);
const { result, split, kept } = r.data;
const test = split.test;
const testMask = historyMask(ds.data, test);
const validMask = historyMask(ds.data, split.valid);
const betas = [0, 0.001, 0.002, 0.005, 0.01];
const alphas = [0.01, 0.02, 0.05, 0.1];
const topK = result._k1;
const sweeps: Record<string, Record<string, unknown[]>> = {};
const delivery: Record<string, DeliveryRow[]> = {};
const alphaDelivery: Record<string, AlphaDeliveryRow[]> = {};
const resplit: Record<string, ResplitRow[]> = {};
const swept = sweptArg ? new Set(sweptArg.split(',')) : null;
for (const [name, k] of kept) {
  if (swept && !swept.has(name)) continue;
  sweeps[name] = {};
  const src = maskedScores(denseScores(test.users.length, test.target.nCols, k.test), testMask);
  const valid = k.valid
    ? maskedScores(denseScores(split.valid.users.length, test.target.nCols, k.valid), validMask)
    : undefined;
  if (analysis === 'online-resplit') {
    if (!valid) continue;
    // α = 1% is left out: there K·rows ≤ β'·rows·items (β' = ceil(1%·rows)/rows), so the share is capped at
    // K / (β'·items) whatever v does. One α at a time, printed as it comes (each is 11 calibrations).
    resplit[name] = [];
    for (const a of [0.1, 0.05, 0.02]) {
      const [d] = onlineResplitDelivery(valid, src, [a], result._c1 / result._cmax);
      resplit[name].push(d);
      console.error(
        `${name} α ${d.alpha}: actual ${d.actual.toFixed(3)} | ${d.resplits.length} re-splits mean ${d.mean.toFixed(3)} sd ${d.sd.toFixed(3)} range ${Math.min(...d.resplits).toFixed(3)}–${Math.max(...d.resplits).toFixed(3)}, below the actual ${d.below} (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
      );
    }
    continue;
  }
  if (analysis === 'online-alpha') {
    if (!valid) continue;
    const f = (x: number) => x.toFixed(3);
    alphaDelivery[name] = onlineAlphaDelivery(valid, src, alphas, result._c1 / result._cmax);
    for (const d of alphaDelivery[name])
      console.error(
        `${name} α ${d.alpha}: test rounded ${f(d.test.rounded)} hard ${f(d.test.hard)} expected ${f(d.test.expected)} soft ${f(d.test.soft)} | valid rounded ${f(d.valid.rounded)} expected ${f(d.valid.expected)} soft ${f(d.valid.soft)} | v fitted on test: rounded ${f(d.testFit.rounded)} expected ${f(d.testFit.expected)} soft ${f(d.testFit.soft)} | calibration residuals ${d.calibration.userResidual.toFixed(2)}, ${d.calibration.itemResidual.toFixed(2)}; mean score valid ${d.meanScore.valid.toPrecision(3)} test ${d.meanScore.test.toPrecision(3)}`,
      );
    continue;
  }
  if (analysis === 'online-delivery') {
    if (!valid) continue;
    const rows = onlineDelivery(valid, src, test.target, topK, betas.slice(1));
    delivery[name] = rows;
    for (const d of rows)
      console.error(
        `${name} β ${d.beta} ${d.rows} (${d.n}): hard ${d.hard.toFixed(3)} rounded ${d.rounded.toFixed(3)} expected ${d.expected.toFixed(3)} Poisson ${d.poisson.toFixed(3)}${d.recallHard !== undefined ? ` recall ${d.recallHard.toFixed(4)} → ${d.recallRounded?.toFixed(4)}` : ''}; calibration residuals ${d.calibration.userResidual.toFixed(2)}, ${d.calibration.itemResidual.toFixed(2)}`,
      );
    continue;
  }
  // The online mode twice: its default rule (each test row's soft decisions rounded at random) and the hard
  // TopK{λ − v} rule, under `online-hard`, for the comparison of docs/claims.md.
  type Run = { key: string; mode: PlannerMode; decision?: OnlineDecision };
  // `beta-sweep` (claim 2 alone): the β sweep of greedy and the offline Dual, no α sweep, no online mode.
  const betaOnly = analysis === 'beta-sweep';
  const modes = betaOnly ? PLANNER_MODES.filter((m) => m !== 'online') : PLANNER_MODES;
  const runs = modes.flatMap((mode): Run[] =>
    mode === 'online'
      ? [
          { key: 'online', mode },
          { key: 'online-hard', mode, decision: 'hard' },
        ]
      : [{ key: mode, mode }],
  );
  for (const { key, mode, decision } of runs) {
    if (mode === 'online' && !valid) continue;
    const m = matchSweeps(
      src,
      test.target,
      { betas: betas.filter((b) => b <= topK / test.target.nCols), alphas: betaOnly ? [] : alphas, mode },
      {
        topK,
        valid,
        betaMax: result._c1 / result._cmax,
        decision,
      },
    );
    sweeps[name][key] = m.points.map((p) => rimeMtchPoint(p, result, test.target.nCols));
  }
  console.error(`${name.padEnd(16)} sweeps done (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
writeFileSync(
  out,
  JSON.stringify(
    {
      ...result,
      sweeps,
      onlineDelivery: delivery,
      onlineAlpha: alphaDelivery,
      onlineResplit: resplit,
      seconds: (Date.now() - t0) / 1000,
    },
    null,
    1,
  ),
);
console.error(`wrote ${out} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
