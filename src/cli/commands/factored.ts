/**
 * Factored planner input for `rimw dual` and `rimw run` (paper appendix C.2): user and item vectors, λ(x) and item
 * biases instead of a users × items score matrix, so the planner runs at sizes whose matrix would not fit.
 *
 * On disk, a directory: factors.json {"nUsers", "nItems", "dim", "link": "linear"|"exp"|"softmax", "lambda": bool,
 * "itemBias": bool} beside raw little-endian float32 files users.f32 (nUsers × dim, row-major), items.f32
 * (nItems × dim), lambda.f32 (nUsers) and item_bias.f32 (nItems) when present: what numpy's `tofile` writes and
 * `fromfile` reads, and one Arrow/Parquet column each in docs/scale.md's pipeline.
 * Or `world:PRESET[:SEED][/DIV]`: a synthetic world's ground-truth factors (core/planner/factorWorld.ts), no events
 * made; /DIV divides its users, items and events (world:netflix/10: a tenth of the Netflix shape).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { presetConfig, SYNTH_PRESETS, type SynthPreset } from '../../core/data/synthetic/config';
import { FACTOR_LINKS, factorSource, factorsProblem, type FactorLink, type Factors } from '../../core/planner/factors';
import { worldFactors } from '../../core/planner/factorWorld';
import { solveDualStreamed } from '../../core/planner/streamDual';
import { solveGreedyStreamed } from '../../core/planner/streamGreedy';
import type { MatchSettings } from '../../core/planner/types';
import { err, ok, type Result } from '../../core/util/result';

/** Whether `input` names factored input (a factors directory or world:PRESET) rather than a log or a CSV. */
export const isFactored = (input: string): boolean => /^world:/.test(input) || existsSync(join(input, 'factors.json'));

function readF32(dir: string, name: string, n: number): Result<Float32Array, 'bad-file'> {
  const path = join(dir, name);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    return err('bad-file', `cannot read ${path}: ${(e as Error).message}`);
  }
  if (buf.length !== n * 4)
    return err('bad-file', `${path}: ${buf.length} bytes, expected ${n} float32 values (${n * 4} bytes)`);
  // A copy: the Buffer's offset in its pool need not be a multiple of 4.
  const out = new Float32Array(n);
  new Uint8Array(out.buffer).set(buf);
  return ok(out);
}

/** Reads factored input: a factors directory, or world:PRESET[:SEED][/DIV]. */
export function loadFactors(input: string): Result<Factors, 'bad-file'> {
  const w = /^world:([a-z0-9]+)(?::(\d+))?(?:\/([1-9]\d*))?$/.exec(input);
  if (w) {
    if (!(w[1] in SYNTH_PRESETS))
      return err('bad-file', `unknown synthetic preset '${w[1]}'; have ${Object.keys(SYNTH_PRESETS).join(', ')}`);
    const c = presetConfig(w[1] as SynthPreset, w[2] === undefined ? 1 : Number(w[2]));
    const div = w[3] === undefined ? 1 : Number(w[3]);
    const part = (v: number) => Math.max(1, Math.round(v / div));
    const f = worldFactors({
      ...c,
      nUsers: part(c.nUsers),
      nItems: part(c.nItems),
      targetEvents: part(c.targetEvents),
    });
    return f.ok ? f : err('bad-file', f.reason);
  }
  if (input.startsWith('world:'))
    return err('bad-file', `'${input}': expected world:PRESET, world:PRESET:SEED or either with /DIV (a whole number)`);
  const head = join(input, 'factors.json');
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(readFileSync(head, 'utf8'));
  } catch (e) {
    return err('bad-file', `${head}: ${(e as Error).message}`);
  }
  for (const k of ['nUsers', 'nItems', 'dim'])
    if (!Number.isInteger(h[k]) || (h[k] as number) < 0)
      return err('bad-file', `${head}: "${k}" = ${JSON.stringify(h[k])}, expected a non-negative integer`);
  const link = (h.link ?? 'linear') as FactorLink;
  if (!FACTOR_LINKS.includes(link))
    return err('bad-file', `${head}: "link" = ${JSON.stringify(h.link)}, expected one of ${FACTOR_LINKS.join(', ')}`);
  const n = h.nUsers as number;
  const p = h.nItems as number;
  const D = h.dim as number;
  const users = readF32(input, 'users.f32', n * D);
  if (!users.ok) return users;
  const items = readF32(input, 'items.f32', p * D);
  if (!items.ok) return items;
  const lambda = h.lambda ? readF32(input, 'lambda.f32', n) : null;
  if (lambda && !lambda.ok) return lambda;
  const bias = h.itemBias ? readF32(input, 'item_bias.f32', p) : null;
  if (bias && !bias.ok) return bias;
  const f: Factors = {
    nUsers: n,
    nItems: p,
    dim: D,
    users: users.data,
    items: items.data,
    lambda: lambda ? lambda.data : null,
    itemBias: bias ? bias.data : null,
    link,
  };
  const problem = factorsProblem(f);
  return problem ? err('bad-file', `${input}: ${problem}`) : ok(f);
}

/** Writes factors as a factors directory (the format above). */
export function saveFactors(dir: string, f: Factors): void {
  mkdirSync(dir, { recursive: true });
  const head = {
    nUsers: f.nUsers,
    nItems: f.nItems,
    dim: f.dim,
    link: f.link,
    lambda: f.lambda !== null,
    itemBias: f.itemBias !== null,
  };
  writeFileSync(join(dir, 'factors.json'), JSON.stringify(head) + '\n');
  const put = (name: string, a: Float32Array) =>
    writeFileSync(join(dir, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  put('users.f32', f.users);
  put('items.f32', f.items);
  if (f.lambda) put('lambda.f32', f.lambda);
  if (f.itemBias) put('item_bias.f32', f.itemBias);
}

/** Summary of a planner run on factored input (the decisions themselves are users × K: too many for JSON). */
export interface FactoredResult {
  mode: 'greedy' | 'offline';
  nUsers: number;
  nItems: number;
  alpha: number;
  beta: number;
  K: number;
  objective: number;
  /** Assignments in all, and the spread of per-user loads and per-item exposures. */
  assignments: number;
  userLoad: { min: number; max: number };
  itemExposure: { min: number; max: number; below: number };
  /** v per item (the serving artifact of the offline Dual; zeros for greedy). */
  v: number[];
  itemExposures: number[];
  residuals: { user: number; item: number };
  report: unknown;
  seconds: number;
  /** The process's peak resident memory so far (factors and all). */
  peakRssMiB: number;
}

/** Greedy or the streamed offline Dual on factors at one (α, β). */
export function planFactored(
  f: Factors,
  mode: 'greedy' | 'offline',
  s: MatchSettings,
  log: (line: string) => void,
  opts: { passes?: number; sampleRows?: number } = {},
): FactoredResult {
  const src = factorSource(f);
  let last = 0;
  const onProgress = (p: { phase: string; done: number; total: number }) => {
    const now = Date.now();
    if (now - last < 5000 && p.done !== p.total) return;
    last = now;
    log(`${mode}: ${p.phase} ${p.done}/${p.total}`);
  };
  const sol =
    mode === 'greedy'
      ? solveGreedyStreamed(src, s, { onProgress })
      : solveDualStreamed(src, s, { ...opts, onProgress });
  // The minimal exposure in whole users as the solvers (and the dense exact solver) round it.
  const lo = Math.round(s.beta * f.nUsers);
  let below = 0;
  for (const e of sol.itemExposure) if (e < lo) below++;
  const span = (a: Int32Array) => {
    let min = Infinity;
    let max = -Infinity;
    for (const v of a) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return { min, max };
  };
  return {
    mode,
    nUsers: f.nUsers,
    nItems: f.nItems,
    alpha: s.alpha,
    beta: s.beta,
    K: Math.round(s.alpha * f.nItems),
    objective: sol.objective,
    assignments: sol.assignment.indices.length,
    userLoad: span(sol.userLoad),
    itemExposure: { ...span(sol.itemExposure), below },
    v: Array.from(sol.state.v),
    itemExposures: Array.from(sol.itemExposure),
    residuals: { user: sol.residuals.user[0], item: sol.residuals.item[0] },
    report: sol.stream,
    seconds: sol.seconds,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
