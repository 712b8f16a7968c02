// A click-and-conversion model's planner scores (core/ctr/plannerScores.ts): pCTR·pCVR of every test user × item of
// the `small` synthetic impression world at the test start, by the probe path (a forward pass per cell) and by the
// model's grid scoring (models/grid.ts: the user side once per user), in Node on tfjs-wasm (`rimw run`'s choice without
// a GPU) and on the CPU backend (`--backend cpu`). The probe path runs in chunks of 2^16 cells, as it did before grid
// scoring existed.
// Models are seeded and unfitted: the cost does not depend on the weights (grid.test.ts checks the equality on fitted
// ones). Env: CTR_PLANNER_MODELS (default "LR,DeepFM,DIN,MMoE,MT-RNN"), CTR_PLANNER_RUNS (grid runs, default 3),
// CTR_PLANNER_BACKENDS (default "wasm,cpu").
import os from 'node:os';
import { type BackendPref, chooseBackend } from '../src/cli/backend';
import { createCtrModel, ctrDims, type CtrModel, type CtrModelName } from '../src/core/ctr/models/index';
import { conversionScores, plannerRows } from '../src/core/ctr/plannerScores';
import { splitByTime } from '../src/core/ctr/split';
import { generateCtrWorld } from '../src/core/ctr/world';
import { ctrPresetConfig } from '../src/core/ctr/worldConfig';
import { formatNumber, summarize, table, type Bench } from './lib';

const MODELS = (process.env.CTR_PLANNER_MODELS ?? 'LR,DeepFM,DIN,MMoE,MT-RNN').split(',') as CtrModelName[];
const RUNS = Number(process.env.CTR_PLANNER_RUNS ?? 3);
const BACKENDS = (process.env.CTR_PLANNER_BACKENDS ?? 'wasm,cpu').split(',') as BackendPref[];

async function seconds(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
}

const bench: Bench = {
  name: 'ctr-planner',
  title: 'Click-and-conversion models as planner scores: probe path against grid scoring (Node)',
  async run() {
    const g = generateCtrWorld(ctrPresetConfig('small', 1));
    if (!g.ok) throw new Error(g.reason);
    const log = g.data.log;
    const split = splitByTime(log, { protocol: 'ads' });
    if (!split.ok) throw new Error(split.reason);
    const rows = plannerRows(log, split.data);
    const scores = async (model: CtrModel, probesOnly: boolean) => {
      const s = await conversionScores(
        model,
        log,
        rows.users,
        rows.at,
        probesOnly ? { probesOnly, chunkCells: 2 ** 16 } : {},
      );
      if (!s.ok) throw new Error(s.reason);
      return s.data;
    };
    const loadBefore = os.loadavg()[0];
    const started = new Date().toISOString().slice(0, 16).replace('T', ' ');
    const out: (string | number)[][] = [];
    for (const pref of BACKENDS) {
      const backend = (await chooseBackend(pref)).backend;
      for (const name of MODELS) {
        const m = createCtrModel(name, ctrDims(log), {}, 1);
        if (!m.ok) throw new Error(m.reason);
        const model = m.data;
        try {
          let slow: ArrayLike<number> = [];
          const probe = await seconds(async () => (slow = await scores(model, true)));
          const grid: number[] = [];
          let fast: ArrayLike<number> = [];
          for (let r = 0; r < RUNS; r++) grid.push(await seconds(async () => (fast = await scores(model, false))));
          let worst = 0;
          for (let j = 0; j < fast.length; j++) worst = Math.max(worst, Math.abs(fast[j] - slow[j]));
          const med = summarize(grid).median;
          out.push([
            backend,
            name,
            `${rows.users.length} × ${log.nItems}`,
            formatNumber(probe),
            grid.map((s) => formatNumber(s)).join(', '),
            formatNumber(probe / med),
            worst.toExponential(1),
          ]);
          console.log(out[out.length - 1].join(' | '));
        } finally {
          model.dispose();
        }
      }
    }
    const loadAfter = os.loadavg()[0];
    return [
      `Started ${started} UTC, under \`nice -n 5\`. The \`small\` world (seed 1), MuseNet's ADS split: the rows are the test users, the columns every item, at the test start (plannerScores.ts). Probe path: one run (a forward pass per cell over a probe log, in chunks of users); grid: ${RUNS} runs.`,
      '',
      table(
        [
          'backend',
          'model',
          'users × items',
          'probe path s',
          'grid s (runs)',
          'speed-up (probe / grid median)',
          'max |Δ| pCTR·pCVR',
        ],
        out,
      ),
      '',
      `Machine load (1-minute load average on ${os.cpus().length} cores) at the start and end: ${loadBefore.toFixed(1)} and ${loadAfter.toFixed(1)}; shared with other work, so wall times are inflated; the ratio within a row is what counts.`,
    ].join('\n');
  },
};

export default bench;
