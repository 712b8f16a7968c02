/**
 * What `rimw --help` and `rimw NAME --help` say of each command, apart from the commands themselves: help loads this
 * module and the few constants it prints, not the commands' modules and the core they pull in (start-up time).
 */
import { SYNTH_PRESETS } from '../../core/data/synthetic/config';
import { PROTOCOL_NAMES, PROTOCOL_SUMMARY } from '../../core/data/protocols';
import { DEFAULT_RUN_CONFIG } from '../../core/pipeline/config';
import { DEFAULT_CTR_RUN_CONFIG } from '../../core/ctr/runConfig';
import { BACKEND_PREFS } from '../backendPrefs';
import { coreCount } from '../replicaPool';

export interface CommandHelp {
  /** One line for `rimw --help`. */
  summary: string;
  /** Full usage with every option, shown by `rimw NAME --help` and `rimw --help`. */
  usage: string;
}

export const COMMAND_HELP = {
  inspect: {
    summary: 'detect the format of an interaction log and summarise it (text or --json)',
    usage: `rimw inspect FILE [--items META] [--json]
  Reads an interaction log the way the app does (comma, tab, semicolon, pipe or :: separated; header or none;
  UTF-8 or Latin-1; unix seconds, milliseconds or ISO-8601 times) and prints the detected format, the column
  roles, rows read / kept / skipped (by reason, with the first lines), users, items, time range and top items.
  --items META joins item metadata (e.g. movies.csv: id, title, genres) for the top items' titles.
  --json prints one JSON object: format {delimiter, header, encoding, bom}, columns (role → column name or
  index), rowsRead, events, skipped, skippedBy, problems [{line, reason, text}], users, items, timeRange
  [min, max] (unix seconds), topItems [{id, count, title}], density, repeatRate, warnings.
  Exit status: 0 with at least one event, 1 when the file is refused (message on stderr), 2 on bad usage.`,
  },
  synth: {
    summary: 'generate a synthetic world with ground truth (CSV + truth JSON)',
    usage: `rimw synth [--preset small|ml1m|10m] [--users N --items M --events E] [--seed S] --out FILE
           [--truth TRUTH.json] [--test-start T] [--horizon H] [--top K]
  Generates a synthetic world (Hawkes users with churn, topic-model items) and writes CSV with header
  user_id,item_id,timestamp (unix seconds). --users/--items/--events override the preset (default: small).
  --truth writes, per user, the true intensity λ(T) (events/s), the expected count in [T, T + H) and p(y|x)
  as factors (θ per user, topic-item table, recency, last item) plus the top K items (default 10; skipped for
  worlds where that costs over ~1e9 operations). T defaults to the world end minus H; H defaults to 28 days.
  Times T and H accept seconds or a suffix: 28d, 12h, 2024-01-01 (a date for T).`,
  },
  run: {
    summary: 'split, fit and evaluate models on a log; write ItemRec/UserRec results as JSON',
    usage: `rimw run FILE [--config CONFIG.json] [--out RESULTS.json] [--models A,B,...] [--seed S] [--backend B]
         [--threads N] [--protocol ${PROTOCOL_NAMES.join('|')}]
  Splits FILE, fits the configured models and writes ItemRec / UserRec metrics as JSON (stdout without --out).
  FILE is an interaction log (CSV/TSV/MovieLens .dat: user, item, [rating], timestamp; header optional), or
  synth:PRESET[:SEED] for a synthetic world (presets: ${Object.keys(SYNTH_PRESETS).join(', ')}).
  CONFIG.json is a run config: {"split":{"kind":"temporal","horizon":604800},"models":["Pop","Hawkes","HP"],"seed":1,
  "itemRecTopK":..,"userRecTopC":..,"excludeTrain":..,"epochs":..,"sequence":{..},"tune":{"trials":N,"minutes":M},
  "calibrate":..,"protocol":..}; --models, --seed and --protocol override its fields. "tune" searches the sequence
  models' lr, hidden, dropout and weight decay on the validation window first (the trials go into each model's
  meta.tune). Each RIM composition scores λ(x)·p(y|x)^τ/Σp^τ with τ chosen on the validation window's UserRec
  (meta.calibration); "calibrate":false gives the plain product λ(x)·p(y|x).
  --protocol: a dataset protocol of the paper (docs/protocols.md), a filter of FILE and its split:
${PROTOCOL_NAMES.map((p) => `    ${p}: ${PROTOCOL_SUMMARY[p]}`).join('\n')}
  (with --protocol, a config split of the other kind is replaced by the protocol's).
  --backend: tfjs backend of the sequence models (RNN, Transformer, their RIMs): ${BACKEND_PREFS.join(', ')}.
  auto (the default) takes the fastest that matches the CPU self-test: WebGPU on a GPU, then WASM, then CPU; wasm
  and webgpu fall back to cpu unless they match it. The backend chosen, and why others were not, goes to stderr.
  webgpu uses the 'webgpu' package (Dawn), a GPU or else Chromium's SwiftShader (software: works, but slow).
  --threads N (or "threads" in CONFIG.json): threads that train the sequence models on wasm or cpu, each batch split
  among model replicas in worker threads and their gradients averaged (the same model as 1 thread, up to rounding;
  deterministic for a seed and a thread count). Default 1: on 2 cores 2 threads were slower than 1; try more
  where there are more cores (at most one per core; this machine has ${coreCount()}).
  On webgpu the GPU trains in one thread. The count used goes to stderr after the backend.
  Without --config: ${JSON.stringify(DEFAULT_RUN_CONFIG)}.
  Click and conversion (papers 002, 003): "task":"ctr" in CONFIG.json, FILE an impression log (user, item, time,
  click, [conversion], [pid/context], [category]) or synth-ctr:PRESET[:SEED]; CONFIG.json as
  {"task":"ctr","models":["LR","MT-RNN","MuseNet-soft"],"split":{"protocol":"ads"},"seed":1,"epochs":2,"base":"LR"}.
  Writes {ctr: results, data: summary}. Without --config on synth-ctr: ${JSON.stringify(DEFAULT_CTR_RUN_CONFIG)}.
  FILE may instead be factored scores (a factors directory or world:PRESET[:SEED], see rimw dual --help): then no
  model is fitted; the planner runs on them at α = itemRecTopK / items (default 1%), β = match.betas[0] (default 0)
  in match.mode (offline or greedy; default offline) and the results hold its summary under "planner".`,
  },
  dual: {
    summary: 'Dual planner on a score matrix: offline, or online with v calibrated on other rows',
    usage: `rimw dual --scores S.csv --alpha A --beta B [--calibrate V.csv] [--out OUT.json]
rimw dual --factors F --alpha A --beta B [--mode offline|greedy] [--passes N] [--sample N] [--out OUT.json]
          [--save-factors DIR]
  Solves max Σ λπ with user capacity Σ_y π ≤ round(A·items) and item minimal exposure Σ_x π ≥ B·users.
  S.csv, V.csv: one row per user state, one non-negative score per item, comma-separated, no header.
  A: user capacity as a fraction of items; B: item minimal exposure as a fraction of users (0 ≤ B ≤ A ≤ 1).
  Without --calibrate: offline Dual on S. With it: v solved on V, then each row of S decided alone (online): its
  soft decisions at the calibration's final temperature, rounded to its items at random (seeded, reproducible).
  OUT.json (stdout without --out): v (per item), u (per row of S), assignments ([row, col] pairs, at most
  round(A·items) per row), objective (Σ λ over them), itemExposure, userLoad, iterations, seconds.
  --factors F: factored scores instead of a matrix (paper appendix C.2), computed in row blocks on demand, so memory
  grows with users + items: a directory with factors.json and float32 files (users.f32, items.f32, lambda.f32,
  item_bias.f32; see docs/scale.md), or world:PRESET[:SEED][/DIV] for a synthetic world's ground truth (no events
  made; /DIV divides its users, items and events; presets: ${Object.keys(SYNTH_PRESETS).join(', ')}). --mode offline (default: the streamed Dual, --passes passes over
  the users after a dense calibration batch of --sample users) or greedy (the reference's greedy walk, certified
  against the walk over all pairs). OUT.json then holds v, the item exposures and a summary of the decisions
  (objective, loads, residuals, the solver's report, peak memory) instead of every assignment.
  --save-factors DIR writes the factors read (e.g. a world's) as a factors directory and stops.`,
  },
} satisfies Record<string, CommandHelp>;
