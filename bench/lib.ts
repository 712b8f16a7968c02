import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (benches run from anywhere). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** One benchmark file: bench/NAME.bench.ts default-exports this; run.ts renders its markdown into docs/benchmarks.md. */
export interface Bench {
  /** Short key used on the command line (`npm run bench -- NAME`) and as the section marker. */
  name: string;
  title: string;
  /** Runs the measurements and returns the section body in markdown (tables, notes). */
  run(): Promise<string>;
}

export interface Timing {
  runs: number;
  median: number;
  p95: number;
  min: number;
  max: number;
  samples: number[];
}

/** Times `fn` `runs` times after `warmup` untimed calls; milliseconds. */
export async function timeIt(fn: () => unknown | Promise<unknown>, runs = 5, warmup = 1): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

export function summarize(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  return { runs: s.length, median: q(0.5), p95: q(0.95), min: s[0], max: s[s.length - 1], samples };
}

export function table(header: string[], rows: (string | number)[][]): string {
  const fmt = (v: string | number) => (typeof v === 'number' ? formatNumber(v) : v);
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(fmt).join(' | ')} |`),
  ].join('\n');
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 0.1) return v.toFixed(2);
  return v.toPrecision(2);
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}

/** Builds the app (vite build); throws with vite's stderr when it fails. */
function buildApp(): void {
  const build = spawnSync('npx', ['vite', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`vite build failed: ${build.stderr}`);
}

/** Serves the built app (dist/, or `outDir`) with `vite preview` on `port` (stop it with process.kill(-server.pid)). */
async function startPreview(port: number, outDir?: string): Promise<ChildProcess> {
  const dir = outDir ? ['--outDir', outDir] : [];
  const p = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', ...dir], {
    cwd: ROOT,
    stdio: 'ignore',
    detached: true,
  });
  for (let k = 0; k < 100; k++) {
    try {
      if ((await fetch(`http://localhost:${port}/`)).ok) return p;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('vite preview did not start');
}

/**
 * Builds the app, serves it on `port` while `fn` runs, and stops the server however `fn` ends. `prebuilt`: serve
 * that build directory instead of building (e.g. an earlier commit's, to time it beside this one).
 */
export async function onBuiltApp<T>(port: number, fn: () => Promise<T>, prebuilt?: string): Promise<T> {
  if (!prebuilt) buildApp();
  const server = await startPreview(port, prebuilt);
  try {
    return await fn();
  } finally {
    process.kill(-server.pid!);
  }
}
