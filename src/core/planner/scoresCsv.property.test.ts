/**
 * Property tests of `rimw dual`'s score reader: random valid matrices read back exactly (as float32, the planner's
 * type); a ragged row, a negative, non-numeric or out-of-range score is refused naming the file, its line and column.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseScoreCsv } from './scoresCsv';

/** Largest finite float32. */
const F32_MAX = 3.4028234663852886e38;

/** A non-negative score that float32 can hold, written as JavaScript prints it, or with a few decimals. */
const score = fc.oneof(
  fc.double({ min: 0, max: F32_MAX, noNaN: true }).map((v) => String(v)),
  fc.integer({ min: 0, max: 1000 }).map(String),
  fc.tuple(fc.nat(100_000), fc.integer({ min: 1, max: 4 })).map(([n, d]) => (n / 10 ** d).toFixed(d)),
);

const matrix = fc
  .record({ rows: fc.integer({ min: 1, max: 12 }), cols: fc.integer({ min: 1, max: 12 }) })
  .chain(({ rows, cols }) =>
    fc.array(fc.array(score, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows }),
  );

const layout = fc.record({
  crlf: fc.boolean(),
  /** Spaces around cells (trimmed by the reader). */
  pad: fc.boolean(),
  /** Blank lines after the last row (ignored). */
  trailing: fc.integer({ min: 0, max: 2 }),
});

function render(m: string[][], l: { crlf: boolean; pad: boolean; trailing: number }): string {
  const eol = l.crlf ? '\r\n' : '\n';
  const cell = (s: string, c: number) => (l.pad && c % 2 === 0 ? ` ${s} ` : s);
  return m.map((r) => r.map(cell).join(',')).join(eol) + eol.repeat(l.trailing);
}

describe('score CSV properties', () => {
  it('a valid matrix reads back exactly: shape and every score as float32', () => {
    fc.assert(
      fc.property(matrix, layout, (m, l) => {
        const r = parseScoreCsv(render(m, l), 'S.csv');
        if (!r.ok) throw new Error(r.reason);
        expect([r.data.rows, r.data.cols]).toEqual([m.length, m[0].length]);
        expect(Array.from(r.data.data)).toEqual(m.flat().map((s) => Math.fround(Number(s))));
      }),
      { numRuns: 200 },
    );
  });

  it('the first bad row is refused with its line (and column): ragged, negative, not a number, beyond float32', () => {
    const fault = fc.record({
      kind: fc.constantFrom('ragged-short', 'ragged-long', 'negative', 'text', 'empty', 'huge'),
      row: fc.nat(),
      col: fc.nat(),
    });
    fc.assert(
      fc.property(matrix, layout, fault, (m, l, f) => {
        const rows = m.map((r) => [...r]);
        const r0 = f.row % rows.length;
        const cols = rows[0].length;
        const c0 = f.col % cols;
        if (f.kind === 'ragged-short' || f.kind === 'ragged-long') {
          // Row 1 sets the width, so a ragged row is any later one (a one-row matrix gets a second row).
          const at = Math.max(1, r0);
          if (at >= rows.length) rows.push([...rows[0]]);
          if (f.kind === 'ragged-long') rows[at].push('1');
          else if (cols > 1) rows[at].pop();
          else rows[at].push('1');
          const got = parseScoreCsv(render(rows, l), 'S.csv');
          expect(got.ok ? '' : got.reason).toBe(
            `S.csv line ${at + 1}: ${rows[at].length} scores, expected ${cols} like line 1 (rows must not be ragged)`,
          );
          return;
        }
        // An empty score in a one-column matrix is a blank line: at the end it is ignored, like trailing blank lines.
        fc.pre(!(f.kind === 'empty' && cols === 1));
        const bad = { negative: '-0.5', text: 'abc', empty: '', huge: '1e39' }[f.kind]!;
        rows[r0][c0] = bad;
        const got = parseScoreCsv(render(rows, l), 'S.csv');
        expect(got.ok ? '' : got.reason).toMatch(
          new RegExp(`^S\\.csv line ${r0 + 1}, column ${c0 + 1}: '\\s*${bad.replace('.', '\\.')}\\s*' is not a `),
        );
      }),
      { numRuns: 200 },
    );
  });
});
