import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dual } from './dual';
import { UsageError } from '../command';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('rimw dual', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rimw-dual-'));
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  // 4 users × 4 items; every user prefers item 0, item 3 is nobody's favourite.
  const S = file('s.csv', '0.9,0.5,0.2,0.01\n0.8,0.6,0.3,0.02\n0.7,0.2,0.6,0.03\n0.95,0.4,0.1,0.05\n');

  it('solves offline: each user 1 item (α = 1/4), each item ≥ 1 user (β = 1/4)', async () => {
    const out = join(dir, 'out.json');
    const c = capture();
    expect(await dual.run(['--scores', S, '--alpha', '0.25', '--beta', '0.25', '--out', out], c.io)).toBe(0);
    const r = JSON.parse(readFileSync(out, 'utf8'));
    expect(r.v).toHaveLength(4);
    expect(r.u).toHaveLength(4);
    expect(r.userLoad).toEqual([1, 1, 1, 1]);
    expect(r.itemExposure).toEqual([1, 1, 1, 1]);
    expect(r.assignments).toHaveLength(4);
    // Enumerating the 24 one-to-one plans by hand: the best is user 0→3, 1→1, 2→2, 3→0: 0.01 + 0.6 + 0.6 + 0.95 = 2.16
    // (the diagonal gives 2.15).
    expect(r.objective).toBeCloseTo(2.16, 5);
    expect(r.iterations).toBeGreaterThan(0);
    expect(typeof r.seconds).toBe('number');
  });

  it('solves online with --calibrate and writes JSON to stdout without --out', async () => {
    const V = file('v.csv', '0.9,0.5,0.2,0.01\n0.85,0.55,0.25,0.02\n0.75,0.25,0.55,0.03\n0.9,0.45,0.15,0.04\n');
    const c = capture();
    expect(await dual.run(['--scores', S, '--alpha', '0.25', '--beta', '0.25', '--calibrate', V], c.io)).toBe(0);
    const r = JSON.parse(c.out.join(''));
    expect(r.mode).toBe('online');
    expect(r.userLoad.every((k: number) => k <= 1)).toBe(true);
    expect(r.v.every((x: number) => x <= 0)).toBe(true);
  });

  it.each([
    ['ragged rows', 'r.csv', '1,2,3\n1,2\n', ['--alpha', '0.5', '--beta', '0'], /r\.csv line 2: 2 scores, expected 3/],
    [
      'a negative score',
      'n.csv',
      '1,2\n1,-2\n',
      ['--alpha', '0.5', '--beta', '0'],
      /n\.csv line 2, column 2: '-2' is not a non-negative number/,
    ],
    ['a non-numeric score', 'x.csv', '1,abc\n', ['--alpha', '0.5', '--beta', '0'], /x\.csv line 1, column 2: 'abc'/],
    [
      'α outside [0, 1]',
      'ok.csv',
      '1,2\n',
      ['--alpha', '1.5', '--beta', '0'],
      /--alpha '1\.5' must be a number in \[0, 1\]/,
    ],
    ['β outside [0, 1]', 'ok.csv', '1,2\n', ['--alpha', '0.5', '--beta', '-0.1'], /--beta '-0\.1'/],
    ['β > α', 'ok.csv', '1,2\n', ['--alpha', '0.1', '--beta', '0.2'], /more exposures than the users' capacity holds/],
  ])('refuses %s with a clear message and exit 1', async (_what, name, text, args, message) => {
    const c = capture();
    expect(await dual.run(['--scores', file(name, text), ...args], c.io)).toBe(1);
    expect(c.err.join('\n')).toMatch(message);
  });

  it('refuses mismatched item counts between S and V', async () => {
    const c = capture();
    expect(
      await dual.run(['--scores', S, '--alpha', '0.25', '--beta', '0', '--calibrate', file('w.csv', '1,2\n')], c.io),
    ).toBe(1);
    expect(c.err.join('\n')).toMatch(/2 items per row.*has 4/);
  });

  it('needs --scores', async () => {
    await expect(dual.run(['--alpha', '0.1', '--beta', '0'], capture().io)).rejects.toThrow(UsageError);
  });
});
