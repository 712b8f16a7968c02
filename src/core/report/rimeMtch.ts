/**
 * Reads the matching points (`mtch_`) of a results file as the reference code's ExperimentResult saves it
 * (`json.dump(dataclasses.asdict(result))`): the header `_k1`, `_c1` (top-K items per user and top-C users per
 * item at 1%), `_kmax`, `_cmax` (items and users in the test), and `mtch_`, which maps each method to a list of
 * points. Each point holds the setting it was solved at, `k` and `c`, and the metrics of rime's evaluate_assigned
 * (prec, recs/user, item_cov, item_ppl, user_cov, user_ppl, obj_mean, recs/item quartiles).
 *
 * The reference sweeps one multiplier list m: m < 1 is a lower bound (k = _k1, c = m·_c1: item minimal exposure,
 * Figure 4's β sweep) and m ≥ 1 an upper bound (k = m·_k1, c = _c1: user capacity with item maximal exposure,
 * appendix F's α sweep). Our own results files carry `alpha`, `beta` and, on α-sweep points, `betaMax` instead.
 * Python writes NaN and ±Infinity as bare tokens, which JSON.parse refuses: they are read as missing values.
 */
import { err, ok, type Result } from '../util/result';

/** The metric fields an overlay point may carry (rime's names; recall only in our own files). */
export const OVERLAY_METRICS = [
  'prec',
  'recall',
  'user_recall',
  'item_ppl',
  'item_cov',
  'user_ppl',
  'user_cov',
  'recs/user',
  'obj_mean',
] as const;
export type OverlayMetric = (typeof OVERLAY_METRICS)[number];

export interface OverlayPoint {
  /** The setting as fractions: α = k / _kmax, β = c / _cmax (undefined where the header lacks the sizes). */
  alpha?: number;
  beta?: number;
  metrics: Partial<Record<OverlayMetric, number>>;
}

export interface OverlayMethod {
  name: string;
  /** Lower-bound points (item minimal exposure, m < 1), in the file's order. */
  lb: OverlayPoint[];
  /** Upper-bound points (user capacity with item maximal exposure, m ≥ 1). */
  ub: OverlayPoint[];
}

export interface RimeMatch {
  /** `dual` and `online` of the header (null when absent). */
  dual: boolean | null;
  online: boolean | null;
  methods: OverlayMethod[];
  /** Points left out, each with its method, index and why. */
  skipped: string[];
}

export type RimeMatchCode = 'not-json' | 'not-result' | 'no-points';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Python's bare NaN, Infinity and -Infinity outside strings, turned into null so that JSON.parse accepts the text. */
export function pythonJsonToJson(text: string): string {
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      continue;
    }
    const token = text.startsWith('NaN', i)
      ? 'NaN'
      : text.startsWith('-Infinity', i)
        ? '-Infinity'
        : text.startsWith('Infinity', i)
          ? 'Infinity'
          : null;
    if (token) {
      out += text.slice(from, i) + 'null';
      i += token.length - 1;
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

/** "line L, column C" of a character offset (1-based), for parse errors. */
function lineColumn(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return `line ${line}, column ${pos - before.lastIndexOf('\n')}`;
}

/** JSON.parse with Python's tokens accepted and the error placed by line and column. */
function parsePythonJson(text: string): Result<unknown, 'not-json'> {
  const clean = pythonJsonToJson(text);
  try {
    return ok(JSON.parse(clean));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const at = /position (\d+)/.exec(msg);
    // The replacement keeps every line break, so the line is the file's (a column after a replaced token may shift).
    const where = at ? ` at ${lineColumn(clean, Number(at[1]))}` : '';
    return err('not-json', `not JSON${where} (${msg})`);
  }
}

/** `x` equals `ref` up to float noise (the reference stores c = m·_c1 as a float). */
const near = (x: number, ref: number) => Math.abs(x - ref) <= 1e-9 * Math.max(1, Math.abs(ref));

/**
 * Reads a results file's `mtch_` points and splits them into lower- and upper-bound points. A file that is not
 * JSON, not an ExperimentResult (no `mtch_` object, or rime points without the `_k1`/`_c1` header), or has no
 * usable point is refused with the reason; single bad points are skipped and listed.
 */
export function parseRimeMatch(text: string): Result<RimeMatch, RimeMatchCode> {
  const parsed = parsePythonJson(text);
  if (!parsed.ok) return parsed;
  const json = parsed.data;
  if (!isObj(json)) return err('not-result', 'expected a JSON object (an ExperimentResult), found ' + typeof json);
  if (!('mtch_' in json))
    return err('not-result', 'no "mtch_" field: not a results file with matching points (run with a mult sweep)');
  if (!isObj(json.mtch_)) return err('not-result', '"mtch_" must map each method to a list of points');
  const k1 = num(json._k1);
  const c1 = num(json._c1);
  const kmax = num(json._kmax);
  const cmax = num(json._cmax);
  const methods: OverlayMethod[] = [];
  const skipped: string[] = [];
  for (const [name, raw] of Object.entries(json.mtch_)) {
    if (!Array.isArray(raw)) {
      skipped.push(`${name}: expected a list of points, found ${isObj(raw) ? 'an object' : typeof raw}`);
      continue;
    }
    const method: OverlayMethod = { name, lb: [], ub: [] };
    raw.forEach((p, i) => {
      if (!isObj(p)) {
        skipped.push(`${name}[${i}]: not an object`);
        return;
      }
      const metrics: OverlayPoint['metrics'] = {};
      for (const key of OVERLAY_METRICS) {
        const v = num(p[key]);
        if (v !== undefined) metrics[key] = v;
      }
      if (Object.keys(metrics).length === 0) {
        skipped.push(`${name}[${i}]: no finite metric (${OVERLAY_METRICS.join(', ')})`);
        return;
      }
      // Our own points name their fractions; the reference's name k and c against the header.
      const alpha = num(p.alpha);
      const beta = num(p.beta);
      if (alpha !== undefined && beta !== undefined) {
        (num(p.betaMax) !== undefined ? method.ub : method.lb).push({ alpha, beta, metrics });
        return;
      }
      const k = num(p.k);
      const c = num(p.c);
      if (k === undefined || c === undefined) {
        skipped.push(`${name}[${i}]: no setting (k and c, or alpha and beta)`);
        return;
      }
      if (k1 === undefined || c1 === undefined || c1 <= 0) {
        skipped.push(`${name}[${i}]: k and c need the header's _k1 and _c1 to tell lower from upper bounds`);
        return;
      }
      const point: OverlayPoint = {
        ...(kmax ? { alpha: k / kmax } : {}),
        ...(cmax ? { beta: c / cmax } : {}),
        metrics,
      };
      // rime's _mtch_update: m < 1 → (k1, c1·m, 'lb'); m ≥ 1 → (k1·m, c1, 'ub').
      if (c < c1 && !near(c, c1)) {
        if (near(k, k1)) method.lb.push(point);
        else skipped.push(`${name}[${i}]: k = ${k} with c = ${c} < _c1 (a lower bound needs k = _k1 = ${k1})`);
      } else if (near(c, c1)) method.ub.push(point);
      else skipped.push(`${name}[${i}]: c = ${c} above _c1 = ${c1} (neither bound of the reference's sweep)`);
    });
    if (method.lb.length + method.ub.length > 0) methods.push(method);
  }
  if (methods.length === 0) {
    const why = skipped.length > 0 ? `: ${skipped.slice(0, 3).join('; ')}${skipped.length > 3 ? '; …' : ''}` : '';
    return err('no-points', `"mtch_" holds no usable point${why}`);
  }
  const bool = (v: unknown) => (typeof v === 'boolean' ? v : null);
  return ok({ dual: bool(json.dual), online: bool(json.online), methods, skipped });
}
