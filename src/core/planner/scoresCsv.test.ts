import { describe, expect, it } from 'vitest';
import { parseScoreCsv } from './scoresCsv';

describe('parseScoreCsv', () => {
  it('reads rows of comma-separated scores, CRLF and trailing blank lines allowed', () => {
    const r = parseScoreCsv('0.9, 0.5,0\r\n1e-3,2,3\r\n\r\n', 'S.csv');
    if (!r.ok) throw new Error(r.reason);
    expect([r.data.rows, r.data.cols]).toEqual([2, 3]);
    expect(Array.from(r.data.data)).toEqual([0.9, 0.5, 0, 1e-3, 2, 3].map(Math.fround));
  });

  // Found by scoresCsv.property.test.ts: 1e39 is finite as a double but Infinity as the float32 it is stored in.
  it('refuses a score beyond float32 instead of storing Infinity', () => {
    const r = parseScoreCsv('1,2\n3,1e39\n', 'S.csv');
    expect(r.ok ? '' : r.reason).toBe(
      "S.csv line 2, column 2: '1e39' is not a score float32 can hold (at most 3.4e38)",
    );
  });
});
