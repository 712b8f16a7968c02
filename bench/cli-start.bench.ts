// `rimw` start-up: `rimw --help` through bin/rimw.js on the built CLI (dist-cli/, built here first), against a bare
// `node -e 0` and the sources through tsx (what `npm run rimw` does), alternating, median of CLI_START_RUNS (default 10).
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT, summarize, table, type Bench } from './lib';

const runs = Number(process.env.CLI_START_RUNS ?? 10);

function timeOnce(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

const bench: Bench = {
  name: 'cli-start',
  title: '`rimw` start-up',
  async run() {
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`build-cli failed: ${build.stderr}`);
    const cases: [string, string[]][] = [
      ['`node -e 0` (Node alone, the floor)', ['-e', '0']],
      ['`rimw --help` (bin/rimw.js → dist-cli/)', ['bin/rimw.js', '--help']],
      [
        '`rimw --help` from the sources through tsx (`npm run rimw`, or a stale build)',
        ['--import', 'tsx', 'src/cli/main.ts', '--help'],
      ],
    ];
    const load0 = os.loadavg()[0];
    const samples = cases.map(() => [] as number[]);
    for (const [, args] of cases) timeOnce(args); // warm the file cache
    for (let i = 0; i < runs; i++) cases.forEach(([, args], k) => samples[k].push(timeOnce(args)));
    const load1 = os.loadavg()[0];
    const floor = summarize(samples[0]).median;
    return [
      `Wall time of the whole process, ${runs} runs each, the three alternating (target for the built CLI: ≤ 150 ms).`,
      `1-minute load on ${os.cpus().length} cores: ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end.`,
      '',
      table(
        ['command', 'median ms', 'min ms', 'max ms', 'median − node alone ms'],
        cases.map(([label], k) => {
          const s = summarize(samples[k]);
          return [label, s.median, s.min, s.max, s.median - floor];
        }),
      ),
    ].join('\n');
  },
};

export default bench;
