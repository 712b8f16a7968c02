import { describe, expect, it } from 'vitest';
import { hashParam, readConfigHash, withHashParam, writeConfigHash, type Json } from './urlHash';

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

  it('sets one parameter beside the others: the planner settings and the run config share the hash', () => {
    const h = withHashParam(writeConfigHash('', { seed: 1 }), 'planner', 'offline,0.01,0.005');
    expect(h).toBe('#config=%7B%22seed%22%3A1%7D&planner=offline%2C0.01%2C0.005');
    expect(hashParam(h, 'planner')).toBe('offline,0.01,0.005');
    expect(readConfigHash(withHashParam(h, 'planner', 'greedy,0.02,0'))).toEqual({ ok: true, data: { seed: 1 } });
    expect(hashParam('#config=1', 'planner')).toBeNull();
  });
});
