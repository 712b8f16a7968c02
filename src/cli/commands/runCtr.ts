/**
 * `rimw run` with `"task": "ctr"` (or FILE = synth-ctr:PRESET[:SEED]): the click-and-conversion track of papers 002
 * and 003 in Node, the same core as the page (core/ctr/run.ts). Writes {ctr, data} as JSON: `ctr` the run's results,
 * `data` the impression log's summary.
 */
import { createReadStream, statSync } from 'node:fs';
import { chooseBackend, describeChoice, type BackendPref } from '../backend';
import type { CliIo } from '../command';
import {
  CTR_WORLD_PRESETS,
  ctrPresetConfig,
  generateCtrWorld,
  readImpressionChunks,
  runCtr,
  summariseImpressions,
  validateCtrRunConfig,
  type CtrWorldPreset,
  type ImpressionLog,
  type ImpressionSummary,
} from '../../core/ctr/index';
import { err, ok, type Result } from '../../core/util/result';

/** FILE names a synthetic impression world: synth-ctr:PRESET[:SEED]. */
export const SYNTH_CTR = /^synth-ctr:([a-z0-9-]+)(?::(-?\d+))?$/;

/** Node read chunks of 1 MiB, as `rimw inspect`. */
const CHUNK = 1 << 20;

/**
 * The impression log FILE names: a synthetic world, or a file read by the page's impression reader. What the reader
 * did with bad rows (left out, by line) goes to `notes`.
 */
export async function loadImpressions(
  file: string,
): Promise<Result<{ log: ImpressionLog; summary: ImpressionSummary; notes: string[] }, string>> {
  const m = SYNTH_CTR.exec(file);
  if (m) {
    if (!(m[1] in CTR_WORLD_PRESETS))
      return err(
        'bad-file',
        `unknown synthetic impression world '${m[1]}'; have ${Object.keys(CTR_WORLD_PRESETS).join(', ')}`,
      );
    const g = generateCtrWorld(ctrPresetConfig(m[1] as CtrWorldPreset, m[2] === undefined ? 1 : Number(m[2])));
    if (!g.ok) return g;
    const summary = summariseImpressions(g.data.log, { kind: 'impressions', labels: 'synthetic' });
    return ok({ log: g.data.log, summary, notes: [] });
  }
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    return err('bad-file', `${file}: ${(e as Error).message}`);
  }
  const stream = createReadStream(file, { highWaterMark: CHUNK }) as AsyncIterable<Uint8Array>;
  let r;
  try {
    r = await readImpressionChunks(stream, {}, size);
  } catch (e) {
    return err('bad-file', `${file}: ${(e as Error).message}`);
  }
  if (!r.ok) return err(r.code, `${file}: ${r.reason}`);
  const skipped = r.report.ingest.problems.map((p) => `${file}:${p.line}: ${p.reason}, row left out`);
  return ok({ log: r.log, summary: r.summary, notes: [...r.report.actions.map((a) => `${file}: ${a}`), ...skipped] });
}

/** Runs a ctr config (already merged with --models and --seed) on FILE; returns the exit status. */
export async function runCtrCommand(
  raw: unknown,
  file: string,
  io: CliIo,
  pref: BackendPref,
  write: (json: string) => void,
): Promise<number> {
  const v = validateCtrRunConfig(raw);
  if (!v.ok) {
    io.err(`rimw run: ${v.reason}`);
    return 1;
  }
  const data = await loadImpressions(file);
  if (!data.ok) {
    io.err(`rimw run: ${data.reason}`);
    return 1;
  }
  for (const n of data.data.notes) io.err(n);
  // Every click-and-conversion model runs on tfjs.
  io.err(describeChoice(await chooseBackend(pref)));
  let lastReport = 0;
  const res = await runCtr(data.data.log, v.data, {
    // Progress on stderr: at each epoch end, otherwise at most every 5 s.
    onProgress: (name, p) => {
      const now = Date.now();
      if (p.validLoss === undefined && now - lastReport < 5000) return;
      lastReport = now;
      const valid = p.validLoss === undefined ? '' : ` valid ${p.validLoss.toFixed(4)}`;
      io.err(
        `${name.padEnd(18)} ${p.net.padEnd(10)} epoch ${p.epoch + 1}/${p.epochs} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(4)}${valid}`,
      );
    },
    onModel: (name, r) => {
      const f = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(4));
      const t = r.tasks;
      io.err(
        `${name.padEnd(18)} click AUC ${f(t.click?.auc)} GAUC ${f(t.click?.gauc)} logloss ${f(t.click?.logloss)}` +
          (t.conversion
            ? ` | conversion AUC ${f(t.conversion.auc)} | click-and-conversion AUC ${f(t.clickConversion?.auc)}`
            : ''),
      );
    },
  });
  if (!res.ok) {
    io.err(`rimw run: ${res.reason}`);
    return 1;
  }
  for (const [name, f] of Object.entries(res.data.failed)) io.err(`${name.padEnd(18)} skipped: ${f.reason}`);
  write(JSON.stringify({ ctr: res.data, data: data.data.summary }, null, 2));
  return 0;
}
