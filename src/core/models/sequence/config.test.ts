import { describe, expect, it } from 'vitest';
import { resolveSeqConfig } from './config';

describe('resolveSeqConfig', () => {
  it("takes rime's rates: Adagrad 0.1 for the GRU, 0.1 / 4 for the Transformer, unless the caller sets lr", () => {
    const gru = resolveSeqConfig({ kind: 'gru' });
    const tr = resolveSeqConfig({ kind: 'transformer' });
    const set = resolveSeqConfig({ kind: 'transformer', lr: 0.2 });
    expect(gru.ok && gru.data.lr).toBe(0.1);
    expect(tr.ok && tr.data.lr).toBe(0.025);
    expect(set.ok && set.data.lr).toBe(0.2);
  });

  it('names the bad field and value', () => {
    const r = resolveSeqConfig({ kind: 'transformer', hidden: 10, heads: 3 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('heads: hidden 10 is not a multiple of 3');
    const w = resolveSeqConfig({ kind: 'gru', warmup: 2.5 });
    expect(!w.ok && w.reason).toBe('warmup: expected an integer ≥ 0, got 2.5');
  });
});
