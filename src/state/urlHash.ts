/**
 * The URL hash as named parameters (`#config=…&planner=…`), pure string in, string out, so Node tests reach it; the
 * page reads and writes the real hash through ./url.ts only. The run config is one JSON object there (STYLE habit 8:
 * the seed included), so a link reproduces a run.
 */
import type { RunConfig } from '../core/pipeline/config';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** `hash` with parameter `name` set to `value` (encoded), or removed for null; the other parameters are kept. */
export function withHashParam(hash: string, name: string, value: string | null): string {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  if (value === null) params.delete(name);
  else params.set(name, value);
  return `#${params.toString()}`;
}

/** Parameter `name` of `hash` (decoded), or null when absent. */
export const hashParam = (hash: string, name: string): string | null =>
  new URLSearchParams(hash.replace(/^#/, '')).get(name);

/** `#config=<encoded JSON>`; other hash parameters are kept. */
export const writeConfigHash = (hash: string, config: RunConfig | Json): string =>
  withHashParam(hash, 'config', JSON.stringify(config));

export type JsonParam = { ok: true; data: Json | null } | { ok: false; code: 'bad-url'; reason: string };

/** Parameter `name` as parsed JSON; a missing parameter is `null`, a broken one an error naming the problem. */
export function readJsonHash(hash: string, name: string): JsonParam {
  const raw = hashParam(hash, name);
  if (raw === null) return { ok: true, data: null };
  try {
    return { ok: true, data: JSON.parse(raw) as Json };
  } catch (e) {
    return { ok: false, code: 'bad-url', reason: `URL ${name} is not valid JSON: ${(e as Error).message}` };
  }
}

/** Reads the run config back (see readJsonHash). */
export const readConfigHash = (hash: string): JsonParam => readJsonHash(hash, 'config');
