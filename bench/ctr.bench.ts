// The click-and-conversion track's data and metrics side (core/ctr): reading a 1M-impression file against the
// interaction reader on the 1M-row ratings file (events per second, fresh Node processes, alternating), the metrics
// over 1M scored impressions (AUC and GAUC must stay under 200 ms), the synthetic impression worlds (generation time
// and measured statistics, with the oracle's AUC on MuseNet's ADS test seventh), and MovieLens as impressions.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize, table, timeIt, type Bench } from './lib';
import { writeCsv as writeInteractionCsv } from './ingest.bench';
import { impressionCsv } from '../src/core/ctr/csv';
import { impressionsFromRatings } from '../src/core/ctr/fromRatings';
import { summariseImpressions } from '../src/core/ctr/log';
import { auc, calibration, gauc, logloss, multiTaskAuc, rocCurve } from '../src/core/ctr/metrics';
import { splitByTime } from '../src/core/ctr/split';
import type { ImpressionLog } from '../src/core/ctr/types';
import { generateCtrWorld } from '../src/core/ctr/world';
import { CTR_WORLD_PRESETS, ctrPresetConfig, type CtrWorldPreset } from '../src/core/ctr/worldConfig';
import { ingestBytes } from '../src/core/data/ingest/index';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const ctrCsv = join(here, '.out', 'ctr-1m.csv');
/** Blocks of 2 timed runs per reader (CTR_BLOCKS). */
const BLOCKS = Number(process.env.CTR_BLOCKS ?? 4);

function world(p: CtrWorldPreset, seed = 1): ImpressionLog {
  const g = generateCtrWorld(ctrPresetConfig(p, seed));
  if (!g.ok) throw new Error(g.reason);
  return g.data.log;
}

/** The 1m world (seed 1) as CSV: user_id,item_id,timestamp,click,conversion,context,category (~37 MB). */
async function writeCtrCsv(): Promise<void> {
  if (existsSync(ctrCsv)) return;
  mkdirSync(dirname(ctrCsv), { recursive: true });
  const s = createWriteStream(ctrCsv);
  for (const block of impressionCsv(world('1m'))) if (!s.write(block)) await once(s, 'drain');
  s.end();
  await once(s, 'finish');
}

function nodeRuns(kind: 'impressions' | 'interactions', file: string): { ms: number[]; cpu: number[]; events: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'ctr-ingest.node.ts'), kind, file, '2'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${kind} read failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function ingestSection(): Promise<string> {
  await writeCtrCsv();
  const mlCsv = await writeInteractionCsv();
  const runs = {
    impressions: { ms: [] as number[], cpu: [] as number[], events: 0 },
    interactions: { ms: [] as number[], cpu: [] as number[], events: 0 },
  };
  // Alternate the two readers in blocks so that a burst of load on a shared machine hits both.
  for (let b = 0; b < BLOCKS; b++)
    for (const [kind, file] of [
      ['impressions', ctrCsv],
      ['interactions', mlCsv],
    ] as const) {
      const r = nodeRuns(kind, file);
      runs[kind].ms.push(...r.ms);
      runs[kind].cpu.push(...r.cpu);
      runs[kind].events = r.events;
    }
  const row = (name: string, kind: keyof typeof runs, file: string) => {
    const r = runs[kind];
    const wall = summarize(r.ms).median;
    const cpu = summarize(r.cpu).median;
    const mb = statSync(file).size / 1e6;
    return [
      name,
      r.events,
      (mb / r.events) * 1e6,
      r.ms.map((x) => x.toFixed(0)).join(', '),
      wall,
      cpu,
      r.events / cpu / 1e3,
      mb / (cpu / 1e3),
    ];
  };
  const a = row(
    'impressions: core/ctr/read.ts (1m world, 7 columns: labels, context, category)',
    'impressions',
    ctrCsv,
  );
  const b = row("interactions: rimw inspect's reader (ingest bench's ml1m ratings file)", 'interactions', mlCsv);
  return [
    `Files: ${ctrCsv.replace(root + '/', '')} (${(statSync(ctrCsv).size / 1e6).toFixed(1)} MB) and ${mlCsv.replace(root + '/', '')} (${(statSync(mlCsv).size / 1e6).toFixed(1)} MB), streamed from disk in 1 MiB chunks in fresh Node processes (bench/ctr-ingest.node.ts): ${BLOCKS} blocks of 2 timed runs after one warm-up per reader, alternating.`,
    '',
    table(
      ['reader', 'rows', 'bytes / row', 'runs ms (wall)', 'median ms', 'median CPU ms', 'M rows / CPU s', 'MB / CPU s'],
      [a, b],
    ),
    '',
    `Per row the impression reader runs at ${((a[6] as number) / (b[6] as number)).toFixed(2)}× the interaction reader's rate and per byte at ${((a[7] as number) / (b[7] as number)).toFixed(2)}× (its rows carry ${((a[2] as number) / (b[2] as number)).toFixed(2)}× the bytes). Its extra work: two flag and two text columns read on the same fused pass, the labels checked, the log built and summarised.`,
  ].join('\n');
}

async function metricsSection(log: ImpressionLog): Promise<string> {
  const n = log.user.length;
  const y = log.click;
  const p = log.truth!.pClick;
  const pv = log.truth!.pConvGivenClick;
  const joint = Float64Array.from(p, (x, e) => x * pv[e]);
  const rows: (string | number)[][] = [];
  // Wall and process CPU time per run (the metrics are single-threaded: CPU time is their work without the waits
  // that other load on a shared machine adds).
  const time = async (name: string, f: () => unknown, runs = 9) => {
    f();
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let k = 0; k < runs; k++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      f();
      wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    const w = summarize(wall);
    rows.push([name, n, runs, w.median, w.min, w.max, summarize(cpu).median]);
  };
  await time('AUC (radix argsort of float32 scores, one pass)', () => auc(y, p));
  await time('AUC, float64 scores (pCTR·pCVR)', () => auc(y, joint));
  await time('GAUC (one argsort, counting sort by user, one pass)', () => gauc(log.user, y, p));
  await time('Logloss', () => logloss(y, p));
  await time('multi-task AUCs (click, conversion over clicks, click·conversion)', () =>
    multiTaskAuc(y, log.conversion, p, pv),
  );
  await time('ROC curve (≤ 200 points)', () => rocCurve(y, p), 5);
  await time('calibration deciles', () => calibration(y, p), 5);
  return table(['metric', 'impressions', 'runs', 'median ms', 'min ms', 'max ms', 'median CPU ms'], rows);
}

async function worldSection(): Promise<{ text: string; big: ImpressionLog }> {
  const rows: (string | number)[][] = [];
  let big: ImpressionLog | null = null;
  for (const p of Object.keys(CTR_WORLD_PRESETS) as CtrWorldPreset[]) {
    let log: ImpressionLog | null = null;
    const t = await timeIt(() => (log = world(p)), p === '1m' ? 3 : 5, 1);
    const l = log!;
    if (p === '1m') big = l;
    const s = summariseImpressions(l, { kind: 'impressions', labels: 'synthetic' });
    const split = splitByTime(l, { protocol: 'ads' });
    if (!split.ok) throw new Error(split.reason);
    const test = split.data.test;
    const a = auc(l.click, l.truth!.pClick, test);
    const g = gauc(l.user, l.click, l.truth!.pClick, test);
    const ll = logloss(l.click, l.truth!.pClick, test);
    const c = CTR_WORLD_PRESETS[p];
    rows.push([
      p,
      `K ${c.nScenarios}, ${c.nUsers} users, ${c.nItems} items, ${c.nCategories} categories, ρ ${c.repeatIntent.join('/')}`,
      s.impressions,
      t.median,
      `${(100 * s.clickRate).toFixed(2)}%`,
      `${(100 * s.conversionPerClick!).toFixed(1)}%`,
      `${(100 * s.conversionPerImpression).toFixed(2)}%`,
      `${(100 * s.repeatRate!).toFixed(1)}%`,
      a.ok ? a.data.toFixed(4) : a.reason,
      g.ok ? g.data.value.toFixed(4) : g.reason,
      ll.ok ? ll.data.toFixed(4) : ll.reason,
    ]);
  }
  return {
    text: [
      'Seed 1. Oracle = truth.pClick as the score, on the ADS protocol’s test seventh (the last seventh of the time range).',
      '',
      table(
        [
          'preset',
          'parameters',
          'impressions',
          'generate ms (median)',
          'CTR',
          'CVR / click',
          'CVR / impression',
          'repeat rate',
          'oracle AUC',
          'oracle GAUC',
          'oracle Logloss',
        ],
        rows,
      ),
    ].join('\n'),
    big: big!,
  };
}

async function movieLensSection(): Promise<string> {
  const file = join(root, '..', 'shared', 'data', 'ml-latest-small', 'ratings.csv');
  if (!existsSync(file)) return 'MovieLens: ../shared/data/ml-latest-small is absent; not measured.';
  const r = ingestBytes(new Uint8Array(readFileSync(file)));
  if (!r.ok) throw new Error(r.reason);
  let out: ReturnType<typeof impressionsFromRatings> | null = null;
  const t = await timeIt(() => (out = impressionsFromRatings(r.dataset)), 5, 1);
  const o = out!;
  if (!o.ok) throw new Error(o.reason);
  const s = summariseImpressions(o.data.log, { kind: 'interactions', labels: 'ratings' });
  return `MovieLens latest-small as impressions (4 sampled unrated movies per rating, a like = rating ≥ 4): ${s.impressions} impressions, CTR ${(100 * s.clickRate).toFixed(1)}%, likes per rating ${(100 * s.conversionPerClick!).toFixed(1)}%, ${t.median.toFixed(0)} ms median of 5.`;
}

const bench: Bench = {
  name: 'ctr',
  title: 'Click-and-conversion data and metrics: impression reader, metrics at 1M, synthetic impression worlds',
  async run() {
    const loadBefore = os.loadavg()[0];
    const worlds = await worldSection();
    const metrics = await metricsSection(worlds.big);
    const ml = await movieLensSection();
    const ingest = await ingestSection();
    const loadAfter = os.loadavg()[0];
    return [
      '### Reading a 1M-impression file',
      '',
      ingest,
      '',
      '### Metrics over the 1m world (truth.pClick as the score)',
      '',
      metrics,
      '',
      '### Synthetic impression worlds',
      '',
      worlds.text,
      '',
      ml,
      '',
      `Machine load (1-minute load average on ${os.cpus().length} cores) at the start and end: ${loadBefore.toFixed(1)} and ${loadAfter.toFixed(1)}. Measured once, on a machine shared with other work${loadBefore > os.cpus().length / 2 || loadAfter > os.cpus().length / 2 ? ': wall times are inflated and noisy; compare the CPU columns and the ratios within one run' : ''}.`,
    ].join('\n');
  },
};

export default bench;
