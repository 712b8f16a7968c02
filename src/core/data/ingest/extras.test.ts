import { describe, expect, it } from 'vitest';
import {
  FLAG_BAD,
  Ingest,
  lineOfEvent,
  parseFlag,
  type ExtraColumn,
  type IngestColumnsResult,
  type ReadOptions,
} from './index';

const enc = (s: string) => new TextEncoder().encode(s);

/** Events in file order as [user, item, time, ...extras decoded, line], or the refusal. */
function view(r: IngestColumnsResult) {
  if (!r.ok) return { ok: false, reason: r.reason };
  const t = r.table;
  return {
    ok: true,
    skipped: r.report.skipped,
    events: Array.from(t.user, (u, e) => [
      t.userIds[u],
      t.itemIds[t.item[e]],
      t.time[e],
      ...t.extras.map((a, k) => (t.extraIds[k] ? (a[e] < 0 ? null : t.extraIds[k]![a[e]]) : a[e])),
      lineOfEvent(t.lineAnchors, e),
    ]),
  };
}

function readWith(b: Uint8Array, extras: ExtraColumn[], size: number, opts?: Partial<ReadOptions>, sample?: number) {
  const ing = new Ingest(opts, { extras, sampleBytes: sample });
  if (size === 0) ing.push(b);
  else for (let i = 0; i < b.length; i += size) ing.push(b.slice(i, i + size));
  return view(ing.finishColumns());
}

/**
 * Reads the text with extras whole, in 1- and 7-byte chunks (with detection and with the format given and a 1-byte
 * sample, so chunk ends fall everywhere on both paths), and in two parts cut after every line feed; all must agree.
 */
function read(text: string, extras: ExtraColumn[]) {
  const b = enc(text);
  const whole = readWith(b, extras, 0);
  const want = JSON.stringify(whole);
  for (const size of [1, 7]) expect(JSON.stringify(readWith(b, extras, size)), `chunks of ${size}`).toBe(want);
  const first = new Ingest(undefined, { extras });
  first.push(b);
  const r = first.finishColumns();
  if (r.ok) {
    const given = { columns: r.report.columns, delimiter: r.report.format.delimiter, header: r.report.format.header };
    for (const size of [1, 7])
      expect(JSON.stringify(readWith(b, extras, size, given, 1)), `chunks of ${size}, given`).toBe(want);
    for (let cut = b.indexOf(10) + 1; cut > 0 && cut < b.length; cut = b.indexOf(10, cut) + 1) {
      const a = new Ingest(undefined, { sampleBytes: 1, extras });
      a.push(b.subarray(0, cut));
      const settings = a.partSettings();
      if (!settings) continue;
      const second = new Ingest(undefined, { sampleBytes: 1, part: settings });
      for (let i = cut; i < b.length; i += 5) second.push(b.slice(i, i + 5));
      const part = second.endPart();
      if (a.atRecordBoundary() && part.refused === null) a.absorb(part);
      else a.push(b.subarray(cut));
      expect(JSON.stringify(view(a.finishColumns())), `two parts cut at byte ${cut}`).toBe(want);
    }
  }
  return whole;
}

describe('parseFlag', () => {
  it('0, 1, true and false in any case, trimmed; anything else is FLAG_BAD', () => {
    const f = (s: string) => parseFlag(enc(s), 0, s.length);
    expect(['0', '1', ' 1 ', 'true', 'FALSE', 'True'].map(f)).toEqual([0, 1, 1, 1, 0, 1]);
    expect(['', '2', '1.0', 'yes', '-1', 'truex', '01'].map(f)).toEqual(Array(7).fill(FLAG_BAD));
  });
});

describe('extra columns and event lines', () => {
  const flags: ExtraColumn[] = [
    { column: 3, kind: 'flag' },
    { column: 4, kind: 'text' },
  ];

  it('flags and text extras on the fast path (numeric rows) and the general one (text, quotes, spaces) agree', () => {
    const r = read(
      'user,item,time,click,pid\n' +
        '1,10,100,0,430548_1007\n' +
        '1,11,101,1,7\n' +
        '2,10,102,true,007\n' +
        'u3,x,103,2,"a,b"\n' +
        '2,12,104,1, pad \n' +
        '2,12,105,1,\n' +
        '3,13,106,1.0,7\r\n' +
        '3,13,107,0,430548_1007\r\n',
      flags,
    );
    expect(r.events).toEqual([
      ['1', '10', 100, 0, '430548_1007', 2],
      ['1', '11', 101, 1, '7', 3],
      ['2', '10', 102, 1, '007', 4],
      ['u3', 'x', 103, FLAG_BAD, 'a,b', 5],
      ['2', '12', 104, 1, 'pad', 6],
      ['2', '12', 105, 1, null, 7],
      ['3', '13', 106, FLAG_BAD, '7', 8],
      ['3', '13', 107, 0, '430548_1007', 9],
    ]);
  });

  it('the line of each event across a header, blank lines, skipped rows and a quoted line break', () => {
    const r = read(
      'user,item,time,click,pid\n' +
        '1,10,100,0,p\n' +
        '\n' +
        '1,11,bad,1,p\n' +
        '1,12,102,1,p\n' +
        '"multi\nline",13,103,1,q\n' +
        '2,14,104,0,q\n' +
        '2,15\n' +
        '2,16,106,1,q\n',
      flags,
    );
    expect(r.skipped).toBe(2);
    expect(r.events!.map((e) => [e[1], e[e.length - 1]])).toEqual([
      ['10', 2],
      ['12', 5],
      ['13', 6],
      ['14', 8],
      ['16', 10],
    ]);
  });

  it('a row without the extra column is skipped as missing-field (without extras: wrong-field-count)', () => {
    const text = 'user,item,time,click\n1,10,100,1\n1,11,101\n';
    const ing = new Ingest(undefined, { extras: [{ column: 3, kind: 'flag' }] });
    ing.push(enc(text));
    const r = ing.finishColumns();
    expect(r.ok && [r.report.skippedBy['missing-field'], r.table.user.length]).toEqual([1, 1]);
    const plain = new Ingest();
    plain.push(enc(text));
    const p = plain.finish();
    expect(p.ok && [p.report.skippedBy['wrong-field-count'], p.dataset.user.length, p.report.columns]).toEqual([
      1,
      1,
      { user: 0, item: 1, value: -1, time: 2 },
    ]);
  });
});
