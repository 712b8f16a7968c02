import { describe, expect, it } from 'vitest';
import { readConfigHash, writeConfigHash, type Json } from './urlHash';

describe('config in the URL hash', () => {
  it('round-trips a nested config with the seed, unicode and awkward characters, keeping other parameters', () => {
    const c: Json = {
      seed: 42,
      split: { kind: 'temporal', horizon: 604800 },
      models: ['Pop', 'Hawkes'],
      note: 'μ & # = ?',
      x: null,
      f: 0.1,
    };
    const h = writeConfigHash('#tab=paradox', c);
    expect(h.startsWith('#')).toBe(true);
    expect(new URLSearchParams(h.slice(1)).get('tab')).toBe('paradox');
    expect(readConfigHash(h)).toEqual({ ok: true, data: c });
    // Overwriting replaces, never duplicates.
    const h2 = writeConfigHash(h, { seed: 7 });
    expect(h2.match(/config=/g)).toHaveLength(1);
    expect(readConfigHash(h2)).toEqual({ ok: true, data: { seed: 7 } });
  });

  it('reports a missing config as null and a broken one as a value, not a throw', () => {
    expect(readConfigHash('')).toEqual({ ok: true, data: null });
    const r = readConfigHash('#config=%7Bnope');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/not valid JSON/);
  });
});
