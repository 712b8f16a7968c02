// Quality of the click-and-conversion models against the synthetic worlds' oracle (the true p(click) and
// p(conversion | click)) and on MovieLens latest-small as impressions: the "Must show" claims of papers 002 and 003,
// each with the mean ± sd over seeds and a verdict computed from the numbers.
// Env: CTRQ_SEEDS (comma list, default 1,2,3), CTRQ_REPLAY (see REPLAY), CTRQ_EPOCHS (default 4), CTRQ_ML_USERS (MovieLens users kept, default 150),
// CTRQ_PARTS (comma list of a,b,c,d; default all), CTRQ_SCALE (share of the presets' users and impressions, default 1),
// CTRQ_REUSE (comma list of parts read back from bench/.out/ctr-quality.PART.md, written by an earlier run, so that
// parts can run in separate processes and one last run assembles the section).
import os from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { ROOT, table, type Bench } from './lib';
import { adjustedRandIndex, auc, gauc, logloss, relImpr, type Metric } from '../src/core/ctr/metrics';
import { createCtrModel, ctrDims, resolveCtrOptions, type CtrModel, type CtrModelName } from '../src/core/ctr/models';
import { NetModel } from '../src/core/ctr/models/model';
import { createMtRnnNet } from '../src/core/ctr/models/mtrnn';
import { impressionsFromRatings } from '../src/core/ctr/fromRatings';
import { splitByTime } from '../src/core/ctr/split';
import type { CtrSplit, ImpressionLog } from '../src/core/ctr/types';
import { generateCtrWorld } from '../src/core/ctr/world';
import { ctrPresetConfig, type CtrWorldPreset } from '../src/core/ctr/worldConfig';
import { ingestBytes } from '../src/core/data/ingest/index';
import type { Dataset } from '../src/core/data/types';
import { createRng, rngFor } from '../src/core/util/rng';

const env = (k: string, d: string) => process.env[k] ?? d;
const SEEDS = env('CTRQ_SEEDS', '1,2,3').split(',').map(Number);
/**
 * Scores logged by earlier runs (CTRQ_REPLAY: comma list of their stdout files), used instead of fitting again: lines
 * `WORLD seed N LABEL: {json}` as runWorld and partD print them (NaN was printed as null).
 */
const REPLAY = new Map<string, Scores>();
/** CTRQ_REPLAY_ONLY=1: fit nothing; a seed missing any entry's logged scores is left out, as is a missing MovieLens row. */
const REPLAY_ONLY = env('CTRQ_REPLAY_ONLY', '') === '1';
for (const file of env('CTRQ_REPLAY', '').split(',').filter(Boolean))
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(\S+) seed (\d+) (.+?): (\{.*\})$/.exec(line);
    if (m)
      REPLAY.set(
        `${m[1]}|${m[2]}|${m[3]}`,
        Object.fromEntries(Object.entries(JSON.parse(m[4])).map(([k, v]) => [k, v ?? NaN])) as unknown as Scores,
      );
  }
const EPOCHS = Number(env('CTRQ_EPOCHS', '4'));
const ML_USERS = Number(env('CTRQ_ML_USERS', '150'));
const PARTS = env('CTRQ_PARTS', 'a,b,c,d').split(',');
const REUSE = env('CTRQ_REUSE', '').split(',');
const SCALE = Number(env('CTRQ_SCALE', '1'));
const OUT = join(ROOT, 'bench', '.out');
/** Every model trains with the same schedule (CTRQ_LR, default 003's Adam 0.001), batch 256. */
const TRAIN = { epochs: EPOCHS, batchSize: 256, lr: Number(env('CTRQ_LR', '0.001')), patience: 1 };
/** What a part ran with (parts may run in separate processes with different settings). */
const settings = () =>
  `_Seeds ${SEEDS.join(', ')}; worlds at ${SCALE}× their preset's users and impressions; Adam ${TRAIN.lr}, at most ${TRAIN.epochs} epochs; 1-minute load ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores when the part ended._`;

async function useWasm(): Promise<void> {
  const dist = dirname(
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'),
  );
  setWasmPaths(`${dist}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('backend wasm did not start');
  await tf.ready();
}

/** One scored model (or the oracle) on one test set; NaN where a metric is undefined there. */
interface Scores {
  click: number;
  gauc: number;
  logloss: number;
  /** pCVR against conversion over the clicked test impressions. */
  cvrClicked: number;
  /** GAUC and Logloss of pCVR over the clicked test impressions. */
  cvrGauc: number;
  cvrLogloss: number;
  /** pCVR against conversion over every test impression (002's claim: the clicked-only model is biased there). */
  cvrAll: number;
  /** pCTR·pCVR against click·conversion over every test impression. */
  ctcvr: number;
  ari: number;
  seconds: number;
}

const val = (m: Metric) => (m.ok ? m.data : NaN);
const gaucValue = (g: ReturnType<typeof gauc>) => (g.ok ? g.data.value : NaN);

/** Metrics of per-row scores (aligned with split.test) on the test impressions. */
function score(
  log: ImpressionLog,
  test: Int32Array,
  pCtr: ArrayLike<number>,
  pCvr: ArrayLike<number> | undefined,
  assignment: Int32Array | undefined,
  seconds: number,
): Scores {
  const n = log.click.length;
  const full = (a: ArrayLike<number>) => {
    const f = new Float64Array(n);
    test.forEach((r, k) => (f[r] = a[k]));
    return f;
  };
  const ctr = full(pCtr);
  const clicked = test.filter((i) => log.click[i] === 1);
  const both = Uint8Array.from(log.click, (c, i) => (c && log.conversion[i] ? 1 : 0));
  const cvr = pCvr ? full(pCvr) : null;
  const truth = log.truth?.scenario;
  return {
    click: val(auc(log.click, ctr, test)),
    gauc: gaucValue(gauc(log.user, log.click, ctr, test)),
    logloss: val(logloss(log.click, ctr, test)),
    cvrClicked: cvr ? val(auc(log.conversion, cvr, clicked)) : NaN,
    cvrGauc: cvr ? gaucValue(gauc(log.user, log.conversion, cvr, clicked)) : NaN,
    cvrLogloss: cvr ? val(logloss(log.conversion, cvr, clicked)) : NaN,
    cvrAll: cvr ? val(auc(log.conversion, cvr, test)) : NaN,
    ctcvr: cvr
      ? val(
          auc(
            both,
            Float64Array.from(ctr, (p, i) => p * cvr[i]),
            test,
          ),
        )
      : NaN,
    ari:
      assignment && truth
        ? val(
            adjustedRandIndex(
              assignment,
              Array.from(test, (i) => truth[i]),
            ),
          )
        : NaN,
    seconds,
  };
}

function oracle(log: ImpressionLog, test: Int32Array): Scores {
  const t = log.truth!;
  return score(
    log,
    test,
    Array.from(test, (i) => t.pClick[i]),
    Array.from(test, (i) => t.pConvGivenClick[i]),
    undefined,
    0,
  );
}

/** MT-RNN's network trained on the clicked impressions only: its clicked-only single-task conversion variant. */
function mtRnnClickedOnly(log: ImpressionLog, seed: number): CtrModel {
  const o = resolveCtrOptions('MT-RNN', TRAIN);
  if (!o.ok) throw new Error(o.reason);
  const dims = ctrDims(log);
  const net = createMtRnnNet(dims, o.data, rngFor(seed, 'MT-RNN/clicked-only'));
  return new NetModel(
    { name: 'MT-RNN', kind: 'single-task', heads: ['cvr'], conversionSamples: 'clicked-only', options: { ...o.data } },
    dims,
    [{ role: 'conversion', net, rows: 'clicked' }],
    o.data,
  );
}

/** MT-RNN's network with the click loss alone: the single-task click peer of 002's click claim. */
const CLICK_ONLY = 'MT-RNN click-only';

/** A row of a comparison: the label shown and how to build the model. */
interface Entry {
  label: string;
  /** Seeds it runs on (default all). */
  seeds?: number[];
  make: (log: ImpressionLog, seed: number) => CtrModel;
}

const model = (name: CtrModelName, extra: object = {}, label: string = name): Entry => ({
  label,
  make: (log, seed) => {
    const m = createCtrModel(name, ctrDims(log), { ...TRAIN, ...extra } as never, seed);
    if (!m.ok) throw new Error(m.reason);
    return m.data;
  },
});

async function fitScore(e: Entry, log: ImpressionLog, split: CtrSplit, seed: number): Promise<Scores> {
  const t0 = Date.now();
  const m = e.make(log, seed);
  try {
    const f = await m.fit(log, split, { rng: createRng(seed * 101) });
    if (!f.ok) throw new Error(`${e.label}: ${f.reason}`);
    const p = await m.predict(log, split.test);
    if (!p.ok) throw new Error(`${e.label}: ${p.reason}`);
    const sc = score(log, split.test, p.data.pCtr, p.data.pCvr, p.data.scenarios?.assignment, (Date.now() - t0) / 1000);
    // A conversion-only model has no click scores (its pCTR is a by-product of the loss on clicked rows).
    return m.info.heads.includes('ctr') ? sc : { ...sc, click: NaN, gauc: NaN, logloss: NaN, ctcvr: NaN };
  } finally {
    m.dispose();
  }
}

function worldSplit(preset: CtrWorldPreset, seed: number): { log: ImpressionLog; split: CtrSplit } {
  const c = ctrPresetConfig(preset, seed);
  const g = generateCtrWorld({
    ...c,
    nUsers: Math.round(c.nUsers * SCALE),
    targetImpressions: Math.round(c.targetImpressions * SCALE),
  });
  if (!g.ok) throw new Error(g.reason);
  const s = splitByTime(g.data.log, { protocol: 'ads' });
  if (!s.ok) throw new Error(s.reason);
  return { log: g.data.log, split: s.data };
}

/** Per entry (and the oracle), the scores of every seed. */
type Runs = Map<string, Scores[]>;

async function runWorld(preset: CtrWorldPreset, entries: Entry[]): Promise<Runs> {
  const runs: Runs = new Map([['oracle', []], ...entries.map((e) => [e.label, []] as [string, Scores[]])]);
  for (const seed of SEEDS) {
    const logged = (e: Entry) => (e.seeds && !e.seeds.includes(seed)) || REPLAY.has(`${preset}|${seed}|${e.label}`);
    if (REPLAY_ONLY && !entries.every(logged)) continue;
    const { log, split } = worldSplit(preset, seed);
    runs.get('oracle')!.push(oracle(log, split.test));
    for (const e of entries) {
      if (e.seeds && !e.seeds.includes(seed)) continue;
      const s = REPLAY.get(`${preset}|${seed}|${e.label}`) ?? (await fitScore(e, log, split, seed));
      runs.get(e.label)!.push(s);
      console.log(`${preset} seed ${seed} ${e.label}: ${JSON.stringify(s)}`);
    }
  }
  return runs;
}

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
const sd = (x: number[]) =>
  x.length < 2 ? 0 : Math.sqrt(x.reduce((a, b) => a + (b - mean(x)) ** 2, 0) / (x.length - 1));
const pm = (x: number[]) =>
  x.some((v) => Number.isNaN(v))
    ? '–'
    : x.length === 1
      ? `${x[0].toFixed(4)} (1 seed)`
      : `${mean(x).toFixed(4)} ± ${sd(x).toFixed(4)}`;
const col = (runs: Runs, label: string, k: keyof Scores) => runs.get(label)!.map((s) => s[k]);

function runsTable(runs: Runs, keys: [keyof Scores, string][]): string {
  return table(
    ['model', ...keys.map(([, h]) => h), 's / fit'],
    [...runs.keys()].map((label) => [
      label,
      ...keys.map(([k]) => pm(col(runs, label, k))),
      // The oracle and model-free references fit nothing.
      mean(col(runs, label, 'seconds')) === 0 ? '–' : mean(col(runs, label, 'seconds')).toFixed(0),
    ]),
  );
}

/**
 * Whether a beats b by more than `margin` in metric k: "holds" when every seed does, "holds in the mean only" when the
 * mean does but some seed does not, else "does not hold"; with the mean ± sd of the difference and the seed count.
 */
function verdict(runs: Runs, a: string, b: string, k: keyof Scores, claim: string, margin = 0): string {
  const x = col(runs, a, k),
    y = col(runs, b, k);
  const d = x.map((v, i) => v - y[i]);
  const wins = d.filter((v) => v > margin).length;
  const word = wins === d.length ? 'holds' : mean(d) > margin ? 'holds in the mean only' : 'does not hold';
  return `- ${claim}: **${word}** (${a} − ${b} = ${mean(d) >= 0 ? '+' : ''}${mean(d).toFixed(4)} ± ${sd(d).toFixed(4)}; ${wins} of ${d.length} seeds${margin ? ` beyond ${margin}` : ''}).`;
}

const MT_KEYS: [keyof Scores, string][] = [
  ['click', 'click AUC'],
  ['cvrClicked', 'CVR AUC (clicked)'],
  ['cvrAll', 'CVR AUC (all impressions)'],
  ['ctcvr', 'CTCVR AUC'],
];
const MUSE_KEYS: [keyof Scores, string][] = [
  ['click', 'AUC'],
  ['gauc', 'GAUC'],
  ['logloss', 'Logloss'],
  ['ari', 'ARI vs true scenarios'],
];

async function partA(): Promise<string> {
  const runs = await runWorld('small', [
    model('DIN'),
    model('MT-RNN'),
    model('MT-RNN', { tasks: 'click-only' }, CLICK_ONLY),
    { label: 'MT-RNN clicked-only', make: mtRnnClickedOnly },
  ]);
  return [
    `### 002: MT-RNN against its click-only and clicked-only variants (world \`small\`, ADS split)`,
    '',
    settings(),
    '',
    `${CLICK_ONLY} = the same network, seed, data and epochs with the click loss l(click, pCTR) alone (option`,
    "`tasks: 'click-only'`): the single-task click model that 002's claim is about (learning the conversion task over",
    'all impressions as well costs the click head nothing); it has no conversion head. MT-RNN clicked-only = the same',
    'network trained on the clicked impressions only (its conversion head then learns p(conversion | click) from clicks,',
    'the sample-selection bias 002 removes); its click column is not a click model. DIN is the single-task sequence',
    'model (click net on every impression, conversion net on the clicked ones).',
    '',
    runsTable(runs, MT_KEYS),
    '',
    verdict(
      runs,
      'MT-RNN',
      'MT-RNN clicked-only',
      'cvrAll',
      'MT-RNN above its clicked-only variant in CVR AUC over all impressions',
    ),
    verdict(
      runs,
      'MT-RNN',
      'MT-RNN clicked-only',
      'cvrClicked',
      'MT-RNN above its clicked-only variant in CVR AUC over clicks',
    ),
    verdict(runs, 'MT-RNN', 'DIN', 'cvrAll', 'MT-RNN above single-task DIN in CVR AUC over all impressions'),
    verdict(
      runs,
      'MT-RNN',
      CLICK_ONLY,
      'click',
      `MT-RNN click AUC no worse than the single-task click model (${CLICK_ONLY}) by more than 0.005`,
      -0.005,
    ),
    verdict(
      runs,
      'MT-RNN',
      'DIN',
      'click',
      'MT-RNN click AUC no worse than single-task DIN by more than 0.005',
      -0.005,
    ),
  ].join('\n');
}

async function partB(): Promise<string> {
  const literal = { scenarios: 2, scenarioInput: 'impression', kl: 'per-sample', recentRequests: 0 };
  const ONE_PAGE = 'MuseNet-hard, request context only';
  const runs = await runWorld('scenarios', [
    model('MuseNet-soft', { scenarios: 2 }),
    model('MuseNet-hard', { scenarios: 2 }),
    model('MuseNet-noscenario'),
    model('MuseNet-hard', { scenarios: 2, recentRequests: 0 }, ONE_PAGE),
    { ...model('MuseNet-soft', literal, 'MuseNet-soft, 003 literal'), seeds: [1] },
  ]);
  const rel = (label: string) => `${label} ${relImprOver(runs, label, 'MuseNet-noscenario')}`;
  return [
    `### 003: scenarios (world \`scenarios\`: K = 2, sessions keep their scenario with p 0.95, the page shows it with p 0.8; ADS split)`,
    '',
    settings(),
    '',
    "MuseNet-soft/-hard with K = 2 (the world's K), the other options at their defaults (scenario learner on the",
    "request [p_u, B_u, o_u] with o_u widened to the pages of the user's last 5 requests, KL on the batch-mean",
    'assignment). "request context only": o_u is the request\'s own page, as in 003. "003 literal": x of eq. 3 is the',
    'whole impression, eq. 12 is per sample, as printed, and o_u is one page. The best rule from the page alone agrees',
    'with the true scenarios to an ARI of 0.61-0.69, the majority page of the last 5 requests to 0.84-0.88 (seeds 1-3,',
    'full-size worlds, test rows).',
    '',
    runsTable(runs, MUSE_KEYS),
    '',
    `RelaImpr of AUC against MuseNet-noscenario: ${['MuseNet-soft', 'MuseNet-hard', 'MuseNet-soft, 003 literal'].map(rel).join('; ')}.`,
    '',
    verdict(runs, 'MuseNet-soft', 'MuseNet-noscenario', 'click', 'MuseNet-soft above MuseNet-noscenario in AUC'),
    verdict(runs, 'MuseNet-soft', 'MuseNet-noscenario', 'gauc', 'MuseNet-soft above MuseNet-noscenario in GAUC'),
    verdict(runs, 'MuseNet-hard', 'MuseNet-noscenario', 'click', 'MuseNet-hard above MuseNet-noscenario in AUC'),
    verdict(runs, 'MuseNet-hard', 'MuseNet-noscenario', 'gauc', 'MuseNet-hard above MuseNet-noscenario in GAUC'),
    ariVerdict(runs, ONE_PAGE),
    verdict(
      runs,
      'MuseNet-hard',
      ONE_PAGE,
      'click',
      'MuseNet-hard with the recent pages above the request page only in AUC',
    ),
  ].join('\n');
}

/**
 * RelaImpr of click AUC against `base`, mean ± sd over the seeds where it is defined (the base above chance), with
 * their count.
 */
function relImprOver(runs: Runs, label: string, base: string): string {
  const b = col(runs, base, 'click');
  const all = col(runs, label, 'click');
  const x = all.map((v, i) => val(relImpr(v, b[i]))).filter((v) => !Number.isNaN(v));
  if (x.length === 0) return `undefined (${base} at or below chance on every seed)`;
  const cut = (v: number) => v.toFixed(1);
  const spread = x.length > 1 ? ` ± ${cut(sd(x))}` : '';
  return `${cut(mean(x))}${spread} % (${x.length} of ${all.length} seed${all.length === 1 ? '' : 's'}${x.length < all.length ? `; undefined where ${base} is at or below chance` : ''})`;
}

/** 003's claim that the hard scenarios are the true ones, per seed: ARI ≥ 0.5 on every seed ("holds"), in the mean only, or not. */
function ariVerdict(runs: Runs, onePage: string): string {
  const x = col(runs, 'MuseNet-hard', 'ari');
  const wins = x.filter((v) => v >= 0.5).length;
  const word = wins === x.length ? 'holds' : mean(x) >= 0.5 ? 'holds in the mean only' : 'does not hold';
  const others = ['MuseNet-soft', onePage, 'MuseNet-soft, 003 literal']
    .map((l) => `${l} ${pm(col(runs, l, 'ari'))}`)
    .join('; ');
  return `- hard scenarios agree with the true ones (ARI ≥ 0.5): **${word}** (ARI ${pm(x)}, per seed ${x.map((v) => v.toFixed(3)).join(', ')}; ${wins} of ${x.length} seeds; ${others}).`;
}

async function partC(): Promise<string> {
  const runs = await runWorld('high-repeat', [
    model('MuseNet-soft', { scenarios: 2 }),
    model('MuseNet-norepeat', { scenarios: 2 }),
  ]);
  return [
    '### 003: the repeat module (world `high-repeat`: repeat intent 0.5 and 0.85, half the impressions re-show a clicked item; ADS split)',
    '',
    settings(),
    '',
    runsTable(runs, MUSE_KEYS.slice(0, 3)),
    '',
    verdict(runs, 'MuseNet-soft', 'MuseNet-norepeat', 'click', 'MuseNet-norepeat below MuseNet-soft in AUC'),
    verdict(runs, 'MuseNet-soft', 'MuseNet-norepeat', 'gauc', 'MuseNet-norepeat below MuseNet-soft in GAUC'),
  ].join('\n');
}

/** The first `users` users of a dataset (users are in index order, events grouped by user). */
function firstUsers(d: Dataset, users: number): Dataset {
  const u = Math.min(users, d.nUsers);
  const end = d.userOffsets[u];
  const item = d.item.slice(0, end);
  const itemCounts = new Int32Array(d.nItems);
  for (const i of item) itemCounts[i]++;
  return {
    ...d,
    userIds: d.userIds.slice(0, u),
    user: d.user.slice(0, end),
    item,
    time: d.time.slice(0, end),
    value: d.value?.slice(0, end),
    userOffsets: d.userOffsets.slice(0, u + 1),
    itemCounts,
    nUsers: u,
  };
}

/** A model-free reference: each item's click rate and conversion-per-click rate in the training rows (add-one). */
function trainRates(log: ImpressionLog, split: CtrSplit): Scores {
  const shows = new Float64Array(log.nItems),
    clicks = new Float64Array(log.nItems),
    convs = new Float64Array(log.nItems);
  for (const i of split.train) {
    shows[log.item[i]]++;
    clicks[log.item[i]] += log.click[i];
    convs[log.item[i]] += log.conversion[i];
  }
  const it = (i: number) => log.item[i];
  return score(
    log,
    split.test,
    Array.from(split.test, (i) => (clicks[it(i)] + 1) / (shows[it(i)] + 2)),
    Array.from(split.test, (i) => (convs[it(i)] + 1) / (clicks[it(i)] + 2)),
    undefined,
    0,
  );
}

async function partD(): Promise<string> {
  const file = join(ROOT, '..', 'shared', 'data', 'ml-latest-small', 'ratings.csv');
  if (!existsSync(file)) return '### MovieLens latest-small\n\n../shared/data/ml-latest-small is absent: not measured.';
  const r = ingestBytes(new Uint8Array(readFileSync(file)));
  if (!r.ok) throw new Error(r.reason);
  const names: CtrModelName[] = [
    'LR',
    'DeepFM',
    'DIN',
    'MMoE',
    'MT-RNN',
    'MuseNet-soft',
    'MuseNet-hard',
    'MuseNet-noscenario',
    'MuseNet-norepeat',
  ];
  const REF = 'item rates in training (no model)';
  const runs: Runs = new Map([REF, ...names].map((n) => [n, [] as Scores[]]));
  const sizes: string[] = [];
  let note = '';
  for (const seed of SEEDS) {
    if (REPLAY_ONLY && !names.every((n) => REPLAY.has(`ml|${seed}|${n}`))) continue;
    // The seed draws the negatives as well as the initial weights.
    const im = impressionsFromRatings(firstUsers(r.dataset, ML_USERS), { perClick: 1, seed });
    if (!im.ok) throw new Error(im.reason);
    const log = im.data.log;
    const s = splitByTime(log, { protocol: 'ads' });
    if (!s.ok) throw new Error(s.reason);
    note = im.data.note.replace(/ \(seed \d+\)/, '');
    const clicks = s.data.test.filter((i) => log.click[i] === 1).length;
    sizes.push(
      `seed ${seed}: ${log.user.length} impressions, ${s.data.train.length} train, ${s.data.valid.length} valid, ${s.data.test.length} test (${clicks} clicks)`,
    );
    runs.get(REF)!.push(trainRates(log, s.data));
    for (const n of names) {
      const sc = REPLAY.get(`ml|${seed}|${n}`) ?? (await fitScore(model(n), log, s.data, seed));
      console.log(`ml seed ${seed} ${n}: ${JSON.stringify(sc)}`);
      runs.get(n)!.push(sc);
    }
  }
  const rel = (n: string) => relImprOver(runs, n, 'LR');
  return [
    `### MovieLens latest-small as impressions (the finish-and-like pair of 002's MMoE baseline)`,
    '',
    settings(),
    '',
    `The first ${ML_USERS} users' ratings, each a click, with one sampled unrated movie per rating as the non-click; a`,
    `conversion (like) is a rating ≥ 4. ADS split; ${sizes.join('; ')}. Each seed draws its own negatives and weights;`,
    `no oracle (the truth is unknown). ${note} Click metrics over every test impression; CVR metrics (p(like | rated))`,
    'over the rated test movies; CTCVR AUC: pCTR·pCVR against rated-and-liked over every test impression. MuseNet has',
    'no conversion head. The first row is no model: each item’s click and like rates in the training rows.',
    '',
    runsTable(runs, [
      ['click', 'click AUC'],
      ['gauc', 'click GAUC'],
      ['logloss', 'click Logloss'],
      ['cvrClicked', 'CVR AUC'],
      ['cvrGauc', 'CVR GAUC'],
      ['cvrLogloss', 'CVR Logloss'],
      ['ctcvr', 'CTCVR AUC'],
    ]),
    '',
    `RelaImpr of click AUC against LR: ${names
      .slice(1)
      .map((n) => `${n} ${rel(n)}`)
      .join('; ')}.`,
    '',
    "The papers' orderings on this data:",
    verdict(runs, 'MT-RNN', 'MMoE', 'click', '002: MT-RNN above MMoE in click AUC'),
    verdict(runs, 'MT-RNN', 'MMoE', 'ctcvr', '002: MT-RNN above MMoE in CTCVR AUC'),
    verdict(runs, 'MMoE', 'DeepFM', 'click', '002: MMoE above DeepFM in click AUC'),
    verdict(runs, 'MuseNet-soft', 'DIN', 'click', '003: MuseNet-soft above DIN in AUC'),
    verdict(runs, 'MuseNet-hard', 'DIN', 'click', '003: MuseNet-hard above DIN in AUC'),
    verdict(runs, 'DIN', 'DeepFM', 'click', '003: DIN above DeepFM in AUC'),
    verdict(runs, 'DeepFM', 'LR', 'click', '003: DeepFM above LR in AUC'),
    verdict(runs, 'MuseNet-soft', 'MuseNet-noscenario', 'click', '003: MuseNet-soft above MuseNet-noscenario in AUC'),
    verdict(runs, 'MuseNet-hard', 'MuseNet-noscenario', 'click', '003: MuseNet-hard above MuseNet-noscenario in AUC'),
    verdict(runs, 'MuseNet-soft', 'MuseNet-norepeat', 'click', '003: MuseNet-soft above MuseNet-norepeat in AUC'),
  ].join('\n');
}

const bench: Bench = {
  name: 'ctr-quality',
  title: "Click-and-conversion model quality: the papers' claims on synthetic worlds with an oracle, and MovieLens",
  async run() {
    await useWasm();
    const load0 = os.loadavg()[0];
    const t0 = Date.now();
    const parts: string[] = [];
    const all: [string, () => Promise<string>][] = [
      ['a', partA],
      ['b', partB],
      ['c', partC],
      ['d', partD],
    ];
    for (const [k, f] of all) {
      const cached = join(OUT, `ctr-quality.${k}.md`);
      if (REUSE.includes(k)) parts.push(readFileSync(cached, 'utf8').trimEnd());
      else if (PARTS.includes(k)) {
        const md = await f();
        mkdirSync(OUT, { recursive: true });
        writeFileSync(cached, md);
        parts.push(md);
      }
    }
    const load1 = os.loadavg()[0];
    return [
      'Each seed draws its own world and initial weights; cells are mean ± sd over seeds. Every model: tfjs-wasm in',
      `Node, batch ${TRAIN.batchSize}, early stopping on the validation tail (patience ${TRAIN.patience}), the other options at their`,
      "defaults; each part states its seeds, world size, learning rate and epochs. The oracle scores with the world's",
      `true p(click) and p(conversion | click). The assembling run took ${((Date.now() - t0) / 60000).toFixed(1)} min; 1-minute load`,
      `${load0.toFixed(1)} at its start and ${load1.toFixed(1)} at its end on ${os.cpus().length} cores (s / fit: wall seconds under the load of the part's run).`,
      '',
      parts.join('\n\n'),
    ].join('\n');
  },
};
export default bench;
