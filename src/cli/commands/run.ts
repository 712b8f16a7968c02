/**
 * `rimw run FILE --config CONFIG.json --out RESULTS.json`: split → fit → evaluate in Node with the same core as the
 * app, writing rime-style results (item_rec / user_rec per model, plus run metadata).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { BACKEND_PREFS, chooseBackend, describeChoice, type BackendPref } from '../backend';
import type { CliCommand, CliIo } from '../command';
import { COMMAND_HELP } from './help';
import { parseArgs, UsageError } from '../command';
import type { Dataset } from '../../core/data/types';
import { generateSynthetic, presetConfig, SYNTH_PRESETS, type SynthPreset } from '../../core/data/synthetic/index';
import { DEFAULT_RUN_CONFIG, MAX_THREADS, parseRunConfig, type RunConfig } from '../../core/pipeline/config';
// Loads tfjs on first call; --backend picks among CPU, WASM and WebGPU (../backend.ts; the host, not core, decides).
import { defaultRegistry, runExperiment } from '../lazy';
import { defaultThreads, startReplicaPool } from '../replicaPool';
import type { ReplicaPool } from '../../core/models/sequence/parallel';
import type { Result } from '../../core/util/result';
import { needsTfjs } from '../../core/models/names';
import { PROTOCOL_NAMES, PROTOCOL_SPLIT, type ProtocolName } from '../../core/data/protocols';
// The app's loader (core/data/ingest: detection, streaming byte-level parse), so the CLI and the page read a file alike.
import { readInteractionFile } from './inspect';
import { DEFAULT_CTR_RUN_CONFIG, isCtrRunConfig } from '../../core/ctr/index';
import { runCtrCommand, SYNTH_CTR } from './runCtr';
import { isFactored, loadFactors, planFactored } from './factored';

/** Loads the dataset named by FILE: synth:PRESET[:SEED], or an interaction log on disk. */
export async function loadDataset(file: string): Promise<Result<Dataset, string>> {
  const m = /^synth:([a-z0-9]+)(?::(\d+))?$/.exec(file);
  if (m) {
    if (!(m[1] in SYNTH_PRESETS))
      return {
        ok: false,
        code: 'bad-file',
        reason: `unknown synthetic preset '${m[1]}'; have ${Object.keys(SYNTH_PRESETS).join(', ')}`,
      };
    const g = generateSynthetic(presetConfig(m[1] as SynthPreset, m[2] === undefined ? 1 : Number(m[2])));
    return g.ok ? { ok: true, data: g.data.dataset } : g;
  }
  const parsed = await readInteractionFile(file);
  if (!parsed.ok) return { ok: false, code: 'bad-file', reason: parsed.reason };
  return { ok: true, data: parsed.dataset };
}

export const run: CliCommand = {
  name: 'run',
  ...COMMAND_HELP.run,
  async run(argv: string[], io: CliIo): Promise<number> {
    const a = parseArgs(argv, {
      values: ['config', 'out', 'models', 'seed', 'backend', 'protocol', 'threads'],
      positionals: 1,
    });
    const pref = (a.values.backend ?? 'auto') as BackendPref;
    if (!BACKEND_PREFS.includes(pref))
      throw new UsageError(`--backend '${pref}' must be one of ${BACKEND_PREFS.join(', ')}`);
    const file = a.positionals[0];
    let raw: Record<string, unknown> = SYNTH_CTR.test(file) ? { ...DEFAULT_CTR_RUN_CONFIG } : { ...DEFAULT_RUN_CONFIG };
    if (a.values.config !== undefined) {
      let text: string;
      try {
        text = readFileSync(a.values.config, 'utf8');
      } catch (e) {
        io.err(`rimw run: cannot read ${a.values.config}: ${(e as Error).message}`);
        return 1;
      }
      try {
        raw = JSON.parse(text);
      } catch (e) {
        io.err(`rimw run: ${a.values.config}: not valid JSON: ${(e as Error).message}`);
        return 1;
      }
    }
    if (a.values.models !== undefined)
      raw = {
        ...raw,
        models: a.values.models
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      };
    if (a.values.seed !== undefined) {
      const s = Number(a.values.seed);
      if (!Number.isInteger(s)) throw new UsageError(`--seed '${a.values.seed}' must be an integer`);
      raw = { ...raw, seed: s };
    }
    if (a.values.threads !== undefined) {
      const t = Number(a.values.threads);
      if (!Number.isInteger(t) || t < 1 || t > MAX_THREADS)
        throw new UsageError(`--threads '${a.values.threads}' must be an integer from 1 to ${MAX_THREADS}`);
      raw = { ...raw, threads: t };
    }
    const write = (json: string) => {
      if (a.values.out === undefined) return io.out(json);
      writeFileSync(a.values.out, json + '\n');
      io.err(`wrote ${a.values.out}`);
    };
    if (isCtrRunConfig(raw)) return runCtrCommand(raw, file, io, pref, write);
    if (a.values.protocol !== undefined) {
      const p = a.values.protocol as ProtocolName;
      if (!PROTOCOL_NAMES.includes(p))
        throw new UsageError(`--protocol '${p}' must be one of ${PROTOCOL_NAMES.join(', ')}`);
      const split = raw.split as { kind?: string } | undefined;
      raw = { ...raw, protocol: p, split: split?.kind === PROTOCOL_SPLIT[p] ? split : { kind: PROTOCOL_SPLIT[p] } };
    }
    const parsed = parseRunConfig(JSON.stringify(raw));
    if (!parsed.ok) {
      io.err(`rimw run: ${parsed.reason}`);
      return 1;
    }
    const config: RunConfig = parsed.data;
    if (isFactored(file)) return runPlannerOnFactors(file, config, a.values.out, io);
    const ds = await loadDataset(file);
    if (!ds.ok) {
      io.err(`rimw run: ${ds.reason}`);
      return 1;
    }
    // Only the sequence models run on tfjs; the rest are plain TypeScript.
    const tfjs = config.models.some(needsTfjs);
    const backend = await chooseBackend(tfjs ? pref : 'cpu');
    let replicas: ReplicaPool | undefined;
    if (tfjs) {
      io.err(describeChoice(backend));
      const asked = config.threads ?? defaultThreads();
      const onCpu = backend.backend === 'wasm' || backend.backend === 'cpu';
      if (asked > 1 && onCpu) replicas = startReplicaPool(asked, backend.backend as 'wasm' | 'cpu');
      io.err(
        replicas
          ? `threads: ${asked} (worker threads, each batch split among model replicas, gradients averaged)`
          : `threads: 1${asked > 1 ? ` (${backend.backend} trains in one thread)` : ''}`,
      );
    }
    let lastReport = 0;
    const options: Parameters<typeof runExperiment>[2] = {
      // Training progress on stderr: at each epoch end, otherwise at most every 5 s.
      onProgress: (name, p) => {
        const now = Date.now();
        if (p.validLoss === undefined && now - lastReport < 5000) return;
        lastReport = now;
        const valid = p.validLoss === undefined ? '' : ` valid ${p.validLoss.toFixed(4)}`;
        io.err(
          `${name.padEnd(16)} epoch ${p.epoch + 1}/${p.epochs} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(4)}${valid} (${p.examplesPerSecond.toFixed(0)} examples/s)`,
        );
      },
      onModel: (name, item, user) =>
        io.err(
          `${name.padEnd(16)} ItemRec prec ${item.prec.toFixed(4)} recall ${item.recall.toFixed(4)} | UserRec prec ${user.prec.toFixed(4)} recall ${user.recall.toFixed(4)}`,
        ),
    };
    let res: Awaited<ReturnType<typeof runExperiment>>;
    try {
      res = await runExperiment(ds.data, config, { ...options, registry: await defaultRegistry({ replicas }) });
    } finally {
      await replicas?.close();
    }
    if (!res.ok) {
      io.err(`rimw run: ${res.reason}`);
      return 1;
    }
    for (const [name, f] of Object.entries(res.data.failed)) io.err(`${name.padEnd(16)} skipped: ${f.reason}`);
    write(JSON.stringify(res.data, null, 2));
    return 0;
  },
};

/** `rimw run` on factored input: the planner alone, at the config's K and first β. */
function runPlannerOnFactors(input: string, config: RunConfig, out: string | undefined, io: CliIo): number {
  const mode = config.match?.mode ?? 'offline';
  if (mode === 'online') {
    io.err('rimw run: match.mode online needs validation rows; on factored input use offline or greedy');
    return 1;
  }
  const f = loadFactors(input);
  if (!f.ok) {
    io.err(`rimw run: ${f.reason}`);
    return 1;
  }
  const K = config.itemRecTopK ?? Math.ceil(0.01 * f.data.nItems);
  const alpha = Math.min(1, K / f.data.nItems);
  const beta = Math.min(alpha, config.match?.betas[0] ?? 0);
  const planner = planFactored(f.data, mode, { alpha, beta }, (line) => io.err(`rimw run: ${line}`));
  const json = JSON.stringify({ input, planner }, null, 2);
  if (out !== undefined) {
    writeFileSync(out, json + '\n');
    io.err(`wrote ${out}`);
  } else io.out(json);
  return 0;
}
