/**
 * `rimw dual --scores S.csv --alpha A --beta B [--calibrate V.csv] [--out OUT.json]`: the Dual planner on a score
 * matrix (paper section 4, Algorithm 1). Offline on S, or with --calibrate: v solved on V, each row of S decided
 * alone by TopK{λ − v} (online). The dual variables v are the serving artifact.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { CliCommand, CliIo } from '../command';
import { parseArgs, UsageError } from '../command';
import { denseScores } from '../../core/models/scores';
import { settingsProblem, solveDual, solveOnline } from '../../core/planner/index';
import { parseScoreCsv, type ScoreTable } from '../../core/planner/scoresCsv';

const usage = `rimw dual --scores S.csv --alpha A --beta B [--calibrate V.csv] [--out OUT.json]
  Solves max Σ λπ with user capacity Σ_y π ≤ round(A·items) and item minimal exposure Σ_x π ≥ B·users.
  S.csv, V.csv: one row per user state, one non-negative score per item, comma-separated, no header.
  A: user capacity as a fraction of items; B: item minimal exposure as a fraction of users (0 ≤ B ≤ A ≤ 1).
  Without --calibrate: offline Dual on S. With it: v solved on V, then each row of S decided alone (online).
  OUT.json (stdout without --out): v (per item), u (per row of S), assignments ([row, col] pairs, at most
  round(A·items) per row), objective (Σ λ over them), itemExposure, userLoad, iterations, seconds.`;

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
  summary: 'Dual planner on a score matrix: offline, or online with v calibrated on other rows',
  usage,
  async run(argv: string[], io: CliIo): Promise<number> {
    const a = parseArgs(argv, { values: ['scores', 'alpha', 'beta', 'calibrate', 'out'], positionals: 0 });
    if (!a.values.scores) throw new UsageError('--scores S.csv is required');
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
