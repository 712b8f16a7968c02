/**
 * `rimw dual --scores S.csv --alpha A --beta B [--calibrate V.csv] [--out OUT.json]`: the Dual planner on a score
 * matrix (paper section 4, Algorithm 1). Offline on S, or with --calibrate: v solved on V, each row of S decided
 * alone by the online Dual's rule (core/planner/online.ts, as on the page). The dual variables v are the serving
 * artifact.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { CliCommand, CliIo } from '../command';
import { COMMAND_HELP } from './help';
import { parseArgs, UsageError } from '../command';
import { denseScores } from '../../core/models/scores';
import { settingsProblem, solveDual, solveOnline } from '../../core/planner/index';
import { parseScoreCsv, type ScoreTable } from '../../core/planner/scoresCsv';
import { loadFactors, planFactored, saveFactors } from './factored';

function readScores(file: string, io: CliIo): ScoreTable | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    io.err(`rimw dual: cannot read ${file}: ${(e as Error).message}`);
    return null;
  }
  const t = parseScoreCsv(text, file);
  if (!t.ok) {
    io.err(`rimw dual: ${t.reason}`);
    return null;
  }
  return t.data;
}

function fraction(name: string, v: string | undefined, io: CliIo): number | null {
  if (v === undefined) throw new UsageError(`--${name} is required`);
  const x = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(x) || x < 0 || x > 1) {
    io.err(`rimw dual: --${name} '${v}' must be a number in [0, 1]`);
    return null;
  }
  return x;
}

export const dual: CliCommand = {
  name: 'dual',
  ...COMMAND_HELP.dual,
  async run(argv: string[], io: CliIo): Promise<number> {
    const a = parseArgs(argv, {
      values: ['scores', 'alpha', 'beta', 'calibrate', 'out', 'factors', 'mode', 'passes', 'sample', 'save-factors'],
      positionals: 0,
    });
    if (a.values.factors !== undefined) return runFactored(a.values, io);
    if (!a.values.scores) throw new UsageError('--scores S.csv or --factors F is required');
    const alpha = fraction('alpha', a.values.alpha, io);
    const beta = fraction('beta', a.values.beta, io);
    if (alpha === null || beta === null) return 1;
    const settings = { alpha, beta };
    const problem = settingsProblem(settings);
    if (problem) {
      io.err(`rimw dual: ${problem}`);
      return 1;
    }
    const S = readScores(a.values.scores, io);
    if (!S) return 1;
    const scores = denseScores(S.rows, S.cols, S.data);
    let sol;
    if (a.values.calibrate) {
      const V = readScores(a.values.calibrate, io);
      if (!V) return 1;
      if (V.cols !== S.cols) {
        io.err(
          `rimw dual: ${a.values.calibrate} has ${V.cols} items per row, ${a.values.scores} has ${S.cols}; expected the same items`,
        );
        return 1;
      }
      sol = solveOnline(denseScores(V.rows, V.cols, V.data), scores, settings);
    } else {
      sol = solveDual(scores, settings);
    }
    const assignments: [number, number][] = [];
    const { indptr, indices } = sol.assignment;
    for (let r = 0; r < S.rows; r++) for (let q = indptr[r]; q < indptr[r + 1]; q++) assignments.push([r, indices[q]]);
    const out = {
      mode: sol.mode,
      alpha,
      beta,
      v: Array.from(sol.state.v),
      u: Array.from(sol.state.u),
      assignments,
      objective: sol.objective,
      itemExposure: Array.from(sol.itemExposure),
      userLoad: Array.from(sol.userLoad),
      iterations: sol.iterations,
      seconds: sol.seconds,
    };
    const text = JSON.stringify(out);
    if (a.values.out) {
      writeFileSync(a.values.out, text);
      io.err(
        `rimw dual: ${sol.mode}, ${assignments.length} assignments, objective ${sol.objective.toPrecision(6)}, ${sol.iterations} iterations, ${sol.seconds.toFixed(2)} s → ${a.values.out}`,
      );
    } else {
      io.out(text);
    }
    return 0;
  },
};

/** Whole number ≥ 1 from an option, or undefined when absent. */
function count(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} '${v}' must be a whole number ≥ 1`);
  return n;
}

async function runFactored(values: Record<string, string>, io: CliIo): Promise<number> {
  if (values.scores !== undefined || values.calibrate !== undefined)
    throw new UsageError('--factors takes the place of --scores and --calibrate');
  const mode = values.mode ?? 'offline';
  if (mode !== 'offline' && mode !== 'greedy') throw new UsageError(`--mode '${mode}' must be offline or greedy`);
  const passes = count('passes', values.passes);
  const sampleRows = count('sample', values.sample);
  const f = loadFactors(values.factors);
  if (!f.ok) {
    io.err(`rimw dual: ${f.reason}`);
    return 1;
  }
  if (values['save-factors'] !== undefined) {
    saveFactors(values['save-factors'], f.data);
    io.err(`rimw dual: ${f.data.nUsers} users × ${f.data.nItems} items, D = ${f.data.dim} → ${values['save-factors']}`);
    return 0;
  }
  const alpha = fraction('alpha', values.alpha, io);
  const beta = fraction('beta', values.beta, io);
  if (alpha === null || beta === null) return 1;
  const settings = { alpha, beta };
  const problem = settingsProblem(settings);
  if (problem) {
    io.err(`rimw dual: ${problem}`);
    return 1;
  }
  const r = planFactored(f.data, mode, settings, (line) => io.err(`rimw dual: ${line}`), { passes, sampleRows });
  const text = JSON.stringify(r);
  if (values.out) {
    writeFileSync(values.out, text);
    io.err(
      `rimw dual: ${r.mode} on ${r.nUsers} × ${r.nItems} factored, ${r.assignments} assignments, objective ${r.objective.toPrecision(6)}, items below β: ${r.itemExposure.below}, ${r.seconds.toFixed(1)} s, peak ${r.peakRssMiB} MiB → ${values.out}`,
    );
  } else io.out(text);
  return 0;
}
