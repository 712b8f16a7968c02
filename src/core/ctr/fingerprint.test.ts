import { describe, expect, it } from 'vitest';
import { Fnv1a64 } from '../pipeline/fingerprint';
import { ctrRunFingerprint } from './fingerprint';
import { runSplit } from './run';
import type { CtrRunConfig } from './runConfig';
import { testWorld } from './testing.world';
import type { ImpressionLog } from './types';

const config: CtrRunConfig = { task: 'ctr', models: ['LR', 'MT-RNN'], seed: 1, epochs: 1 };

function fingerprint(log: ImpressionLog, c: CtrRunConfig): string {
  const sp = runSplit(log, c);
  if (!sp.ok) throw new Error(sp.reason);
  return ctrRunFingerprint(log, sp.data, c);
}

describe('ctrRunFingerprint', () => {
  const { log } = testWorld('tiny');

  it('is the same for the same log, split and config (key order and a copied log do not matter)', () => {
    const copy: ImpressionLog = { ...log, click: log.click.slice(), user: log.user.slice() };
    const reordered = { seed: 1, epochs: 1, models: ['LR', 'MT-RNN'], task: 'ctr' } as CtrRunConfig;
    expect(fingerprint(copy, reordered)).toBe(fingerprint(log, config));
    expect(fingerprint(log, config)).toMatch(/^ctr:[0-9a-f]{16}$/);
  });

  it('changes with the seed, the models, the epochs, the split and any label or row of the log', () => {
    const base = fingerprint(log, config);
    const click = log.click.slice();
    click[7] ^= 1;
    const time = log.time.slice();
    time[0] -= 1;
    const others = [
      fingerprint(log, { ...config, seed: 2 }),
      fingerprint(log, { ...config, models: ['LR'] }),
      fingerprint(log, { ...config, epochs: 2 }),
      fingerprint(log, { ...config, split: { protocol: 'ads', validFraction: 0.25 } }),
      fingerprint({ ...log, click }, config),
      fingerprint({ ...log, time }, config),
      fingerprint(testWorld('tiny', { seed: 2 }).log, config),
    ];
    for (const f of others) expect(f).not.toBe(base);
    expect(new Set(others).size).toBe(others.length);
  });

  it('hashes the parts named in order: an independent FNV-1a over the same bytes gives the same value', () => {
    const sp = runSplit(log, config);
    if (!sp.ok) throw new Error(sp.reason);
    const s = sp.data;
    const h = new Fnv1a64();
    const parts: [string, ArrayBufferView | undefined][] = [
      ['user', log.user],
      ['item', log.item],
      ['time', log.time],
      ['click', log.click],
      ['conversion', log.conversion],
      ['context', log.context],
      ['itemCategory', log.itemCategory],
      ['train', s.train],
      ['valid', s.valid],
      ['test', s.test],
    ];
    for (const [tag, v] of parts) {
      h.text(`|${tag}:${v ? v.byteLength : -1}|`);
      if (v) h.view(v);
    }
    const meta =
      `{"config":{"epochs":1,"models":["LR","MT-RNN"],"seed":1,"task":"ctr"},"nItems":${log.nItems},` +
      `"nUsers":${log.nUsers},"split":{"protocol":"ads","testStart":${s.testStart},"validStart":${s.validStart}}}`;
    h.text(`|meta:${meta.length}|`).text(meta);
    expect(ctrRunFingerprint(log, s, config)).toBe(`ctr:${h.hex()}`);
  });
});
