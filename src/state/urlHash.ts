/**
 * The run config lives in the URL hash as one JSON object (STYLE habit 8: the seed included), so a link reproduces
 * a run. Generic over JSON until the page passes core/pipeline's RunConfig through validateRunConfig.
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** `#config=<encoded JSON>`; other hash parameters are kept. */
export function writeConfigHash(hash: string, config: Json): string {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  params.set('config', JSON.stringify(config));
  return `#${params.toString()}`;
}

/** Reads the config back; a missing parameter is `null`, a broken one an error naming the problem. */
export function readConfigHash(
  hash: string,
): { ok: true; data: Json | null } | { ok: false; code: 'bad-url'; reason: string } {
  const raw = new URLSearchParams(hash.replace(/^#/, '')).get('config');
  if (raw === null) return { ok: true, data: null };
  try {
    return { ok: true, data: JSON.parse(raw) as Json };
  } catch (e) {
    return { ok: false, code: 'bad-url', reason: `URL config is not valid JSON: ${(e as Error).message}` };
  }
}
