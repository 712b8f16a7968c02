// The PyTorch CPU peer of the benches (bench/torch_*.py), in the thread settings a fair yardstick has to try: torch's
// intra-op pool at 1 and 2 threads, each with the BLAS/OpenMP pools (OMP, OpenBLAS, MKL) pinned to 1 thread or left at
// their default. On a small machine the two pools can fight, so a single setting can make PyTorch look several times
// slower than it is; the benches time every setting in the same run and take the fastest as the yardstick.
import { spawnSync } from 'node:child_process';

export interface TorchVariant {
  /** torch.set_num_threads. */
  threads: number;
  /** OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and MKL_NUM_THREADS set to 1 (otherwise unset: the libraries' defaults). */
  pinned: boolean;
}

export const TORCH_VARIANTS: TorchVariant[] = [
  { threads: 1, pinned: false },
  { threads: 2, pinned: false },
  { threads: 1, pinned: true },
  { threads: 2, pinned: true },
];

export const variantLabel = (v: TorchVariant): string =>
  `PyTorch ${v.threads} thread${v.threads > 1 ? 's' : ''}, BLAS/OMP ${v.pinned ? '1' : 'default'}`;

/** How the benches choose their yardstick, for the notes under their tables. */
export const YARDSTICK_NOTE =
  'The PyTorch yardstick is the fastest of four settings timed in this run (torch threads 1 and 2, each with ' +
  'OMP/OPENBLAS/MKL_NUM_THREADS pinned to 1 or left default), marked "fastest"; every ratio is against it.';

const POOLS = ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'];

/**
 * Runs `python3 SCRIPT ...args` under the variant's pool settings (the script reads torch's thread count from its
 * arguments) and parses the last line of its output as JSON.
 */
export function runTorch<T>(script: string, args: string[], v: TorchVariant): T {
  const env = { ...process.env };
  for (const k of POOLS) delete env[k];
  if (v.pinned) for (const k of POOLS) env[k] = '1';
  const r = spawnSync('/usr/bin/python3', [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20, env });
  if (r.status !== 0) throw new Error(`${script} (${variantLabel(v)}) failed: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as T;
}

/** Index of the smallest value (the first on ties). */
export function fastest(values: number[]): number {
  return values.reduce((bi, t, k, a) => (t < a[bi] ? k : bi), 0);
}
