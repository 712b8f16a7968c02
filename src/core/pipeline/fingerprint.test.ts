import { describe, expect, it } from 'vitest';
import { Fnv1a64, fnv1a64, modelFingerprint, stableJson, type ModelFingerprintInput } from './fingerprint';

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('FNV-1a 64', () => {
  // Published test vectors of the FNV reference (Landon Curt Noll's fnv_test vectors for FNV-1a 64).
  it.each([
    ['', 'cbf29ce484222325'],
    ['a', 'af63dc4c8601ec8c'],
    ['b', 'af63df4c8601f1a5'],
    ['foobar', '85944171f73967e8'],
  ])('%j → %s', (s, hex) => {
    expect(fnv1a64(ascii(s))).toBe(hex);
  });

  it('equals a BigInt FNV-1a 64 on random bytes (high bytes and carries exercised)', () => {
    const b = Uint8Array.from({ length: 257 }, (_, i) => (i * 167 + 13) & 0xff);
    let h = 0xcbf29ce484222325n;
    for (const x of b) h = ((h ^ BigInt(x)) * 0x100000001b3n) & 0xffffffffffffffffn;
    expect(fnv1a64(b)).toBe(h.toString(16).padStart(16, '0'));
  });

  it('hashes a typed array by its own view, not the whole buffer', () => {
    const big = Int32Array.of(7, 1, 2, 3, 9);
    expect(new Fnv1a64().view(big.subarray(1, 4)).hex()).toBe(new Fnv1a64().view(Int32Array.of(1, 2, 3)).hex());
  });
});

describe('stableJson', () => {
  it('sorts keys at every level and drops undefined fields', () => {
    expect(stableJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
  });
});

describe('modelFingerprint', () => {
  const base: ModelFingerprintInput = {
    model: 'RNN',
    item: Int32Array.of(0, 1, 2, 1),
    userOffsets: Int32Array.of(0, 2, 4),
    nItems: 3,
    trainEnd: Int32Array.of(2, 3),
    splitConfig: { kind: 'user' },
    config: { hidden: 8, kind: 'gru' },
    seed: 1,
  };
  it('is stable for equal inputs (copies, key order) and names the model', () => {
    const again = { ...base, item: base.item.slice(), config: { kind: 'gru', hidden: 8 } };
    expect(modelFingerprint(again)).toBe(modelFingerprint(base));
    expect(modelFingerprint(base)).toMatch(/^RNN:[0-9a-f]{16}$/);
  });
  it.each<[string, Partial<ModelFingerprintInput>]>([
    ['an item', { item: Int32Array.of(0, 1, 2, 2) }],
    ['the user boundaries', { userOffsets: Int32Array.of(0, 1, 4) }],
    ['the training ends', { trainEnd: Int32Array.of(2, 4) }],
    ['the split config', { splitConfig: { kind: 'user', seed: 2 } }],
    ['the model config', { config: { hidden: 16, kind: 'gru' } }],
    ['the seed', { seed: 2 }],
    ['the item count', { nItems: 4 }],
    ['the model name', { model: 'Transformer' }],
  ])('changes with %s', (_, change) => {
    expect(modelFingerprint({ ...base, ...change }).split(':')[1]).not.toBe(modelFingerprint(base).split(':')[1]);
  });
});
