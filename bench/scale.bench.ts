// npm run bench -- scale: the planner on factored scores at the Netflix shape (480,189 users × 17,770 items,
// D = 32, the synthetic world's ground-truth factors; no events simulated), greedy and the streamed offline Dual at
// one (α, β), each `rimw dual --factors` in its own process under /usr/bin/time -v (wall, CPU, peak RSS; the two
// run at once), with the
// load average beside it; then both against the dense solvers on the same world at 1/40 (12,005 × 444: its matrix
// fits both). SCALE_DIV=10 runs the timed part at a tenth of the shape (users and items; 1/100 of the pairs), SCALE_PRESET
// names another preset, SCALE_MODES=greedy (or offline) times one mode only. The full shape needs about 3 GB per process and most of 2 cores for minutes: a quiet machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT, table, type Bench } from './lib';
import { materialize, denseScores } from '../src/core/models/scores';
import { factorSource } from '../src/core/planner/factors';
import { loadFactors } from '../src/cli/commands/factored';
import { solveExact } from '../src/core/planner/exact';
import { solveGreedy } from '../src/core/planner/greedy';
import { solveDualStreamed } from '../src/core/planner/streamDual';
import { solveGreedyStreamed } from '../src/core/planner/streamGreedy';

const ALPHA = 0.01;
const BETA = 0.001;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');

interface Timed {
  wall: number;
  cpu: number;
  peakMiB: number;
  loadBefore: string;
  loadAfter: string;
  out: Record<string, unknown>;
}

/** Runs `rimw dual` under /usr/bin/time -v; wall and CPU seconds, peak RSS. */
async function timed(args: string[]): Promise<Timed> {
  const dir = mkdtempSync(join(os.tmpdir(), 'rimw-scale-'));
  const out = join(dir, 'out.json');
  const loadBefore = load();
  const child = spawn('/usr/bin/time', ['-v', 'npx', 'tsx', 'src/cli/main.ts', 'dual', ...args, '--out', out], {
    cwd: ROOT,
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const status = await new Promise<number | null>((res) => child.on('close', res));
  if (status !== 0) throw new Error(`rimw dual ${args.join(' ')} failed:\n${stderr}`);
  const r = { stderr };
  const field = (name: string) => new RegExp(`${name}: (.*)`).exec(r.stderr)?.[1] ?? '';
  const [h, m, s] = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)')
    .split(':')
    .map(Number)
    .reverse()
    .concat(0, 0)
    .slice(0, 3)
    .reverse();
  return {
    wall: h * 3600 + m * 60 + s,
    cpu: Number(field('User time \\(seconds\\)')) + Number(field('System time \\(seconds\\)')),
    peakMiB: Number(field('Maximum resident set size \\(kbytes\\)')) / 1024,
    loadBefore,
    loadAfter: load(),
    out: JSON.parse(readFileSync(out, 'utf8')),
  };
}

const bench: Bench = {
  name: 'scale',
  title: 'Planner at scale: factored scores, Netflix shape (rimw dual --factors)',
  async run() {
    const preset = process.env.SCALE_PRESET ?? 'netflix';
    const div = Number(process.env.SCALE_DIV ?? 1);
    const world = `world:${preset}${div > 1 ? `/${div}` : ''}`;
    const rows: (string | number)[][] = [];
    // Both modes at once, each in its own process (the machine has 2 cores), or the one SCALE_MODES names.
    const modes = (process.env.SCALE_MODES ?? 'greedy,offline').split(',') as ('greedy' | 'offline')[];
    for (const mode of modes)
      if (mode !== 'greedy' && mode !== 'offline') throw new Error(`SCALE_MODES: '${mode}' is not greedy or offline`);
    const runs = await Promise.all(
      modes.map((mode) =>
        timed([
          '--factors',
          world,
          '--alpha',
          String(ALPHA),
          '--beta',
          String(BETA),
          ...(mode === 'offline' ? ['--passes', '1', '--sample', '1024'] : ['--mode', 'greedy']),
        ]),
      ),
    );
    for (const [i, mode] of modes.entries()) {
      const t = runs[i];
      const o = t.out as {
        objective: number;
        nUsers: number;
        nItems: number;
        itemExposure: { below: number };
        report: Record<string, unknown> & { passes: number; settle?: { raises: number; items: number } };
      };
      const settle = o.report.settle ?? { raises: 0, items: 0 };
      const rounds = (o.report.rounds ?? []) as { users: number; items: number; pairs: number }[];
      const note =
        mode === 'greedy'
          ? `certificate: ${o.report.uncertifiedRows} users uncertified; ${o.report.passes} passes (users × items with budget left: ${rounds.map((r) => `${r.users} × ${r.items}`).join(', ')}); most pairs in a walk ${o.report.pairs}; s: ${JSON.stringify(o.report.seconds)}`
          : `${o.report.passes.toFixed(2)} passes; users short per pass ${JSON.stringify(o.report.shortUsers)}; ${settle.raises} raises (${settle.items} items); s: ${JSON.stringify(o.report.seconds)}`;
      rows.push([
        mode,
        `${o.nUsers} × ${o.nItems}`,
        t.wall,
        t.cpu,
        t.peakMiB,
        o.objective.toPrecision(6),
        String(o.itemExposure.below),
        note,
        `${t.loadBefore} → ${t.loadAfter}`,
      ]);
    }
    // Agreement with the dense solvers where the matrix fits both: the same world at 1/40.
    const f = loadFactors(`world:${preset}/40`);
    if (!f.ok) throw new Error(f.reason);
    const src = factorSource(f.data);
    const { nRows: n, nCols: p } = src;
    const data = materialize(src)!;
    const s = { alpha: ALPHA, beta: BETA };
    const sameRows = (a: { indptr: Int32Array; indices: Int32Array }, b: typeof a) => {
      let same = 0;
      for (let x = 0; x < n; x++) {
        const ra = a.indices.subarray(a.indptr[x], a.indptr[x + 1]).join();
        if (ra === b.indices.subarray(b.indptr[x], b.indptr[x + 1]).join()) same++;
      }
      return `${same} / ${n}`;
    };
    const dg = solveGreedy(denseScores(n, p, data), s);
    const sg = solveGreedyStreamed(src, s);
    const tr = new Float32Array(n * p);
    for (let x = 0; x < n; x++) for (let y = 0; y < p; y++) tr[y * n + x] = data[x * p + y];
    const de = solveExact(data, tr, n, p, s);
    const sd = solveDualStreamed(src, s, { passes: 1, sampleRows: 1024 });
    const lo = Math.round(s.beta * n);
    const below = (e: Int32Array) => e.filter((v) => v < lo).length;
    const agree = [
      [
        'greedy',
        dg.objective.toPrecision(6),
        sg.objective.toPrecision(6),
        sameRows(dg.assignment, sg.assignment),
        String(below(dg.itemExposure)),
        String(below(sg.itemExposure)),
      ],
      [
        'offline Dual',
        de.objective.toPrecision(6),
        `${sd.objective.toPrecision(6)} (${(((sd.objective - de.objective) / de.objective) * 100).toFixed(3)}%)`,
        sameRows(de.assignment, sd.assignment),
        String(below(de.itemExposure)),
        String(below(sd.itemExposure)),
      ],
    ];
    return [
      `${world}: α = ${ALPHA} (K = round(α · items)), β = ${BETA}; the world's ground-truth factors (D = 32 topics, λ(x) = expected events), generated directly instead of simulating ~100M events. Wall and CPU seconds include building the world's factors. Load average (1 / 5 / 15 min) before → after on a shared 2-core machine: wall time is mostly waiting for a core, CPU time is the work.`,
      '',
      table(
        ['mode', 'users × items', 'wall s', 'CPU s', 'peak RSS MiB', 'objective', 'items below β', 'solver', 'load'],
        rows,
      ),
      '',
      `Agreement with the dense solvers on world:${preset}/40 (${n} × ${p}, α = ${s.alpha}, β = ${s.beta}; dense: greedy.ts and the exact auction, exact.ts):`,
      '',
      table(
        [
          'solver',
          'dense objective',
          'streamed objective',
          'users with identical decisions',
          'items below β (dense)',
          'items below β (streamed)',
        ],
        agree,
      ),
    ].join('\n');
  },
};
export default bench;
