import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ingest, parseItemMeta, parseTime, sniffBytes, type IngestResult, type ReadOptions } from './index';
import { summarise } from '../summary';
import { movieLens } from '../../../testing/sharedData';

const enc = (s: string) => new TextEncoder().encode(s);

/** Pushes the bytes in chunks of `size` (0 = one chunk); `sample` bytes are gathered before detection. */
function chunked(b: Uint8Array, size: number, opts?: Partial<ReadOptions>, sample?: number): IngestResult {
  const ing = new Ingest(opts, { sampleBytes: sample });
  if (size === 0) ing.push(b);
  else for (let i = 0; i < b.length; i += size) ing.push(b.slice(i, i + size));
  return ing.finish();
}

/**
 * Reads the bytes as two parts cut at `cut` (the data worker's split of a large file over two workers): the first
 * part read here, the second by its own Ingest with the first part's settings, then absorbed; when the cut is not a
 * record boundary (a quoted line break) or the second part is refused, the first part reads on, as the worker does.
 * Null when the first part has not read its header or first row by the cut.
 */
function inParts(b: Uint8Array, cut: number, opts?: Partial<ReadOptions>): IngestResult | null {
  const first = new Ingest(opts, { sampleBytes: 1 });
  first.push(b.subarray(0, cut));
  const settings = first.partSettings();
  if (!settings) return null;
  const second = new Ingest(undefined, { sampleBytes: 1, part: settings });
  for (let i = cut; i < b.length; i += 5) second.push(b.slice(i, i + 5));
  const part = second.endPart();
  if (first.atRecordBoundary() && part.refused === null) first.absorb(part);
  else first.push(b.subarray(cut));
  return first.finish();
}

/**
 * Events as [user id, item id, time, value] in Dataset order, plus the report. Checks that 1- and 7-byte chunks give
 * the same result: once with detection on the whole fixture, and once with the format the whole read found given
 * as the user's choice and a 1-byte detection sample, so that chunk boundaries fall inside quoted fields, inside
 * `::` and between CR and LF while records are being read. Also that reading it in two parts cut after any line
 * feed gives the same result.
 */
function read(input: string | Uint8Array, opts?: Partial<ReadOptions>) {
  const b = typeof input === 'string' ? enc(input) : input;
  const whole = chunked(b, 0, opts);
  const want = JSON.stringify(view(whole));
  for (const size of [1, 7]) expect(JSON.stringify(view(chunked(b, size, opts))), `chunks of ${size} bytes`).toBe(want);
  if (whole.report.rowsRead > 0) {
    const given = opts ?? {
      columns: whole.report.columns,
      delimiter: whole.report.format.delimiter,
      header: whole.report.format.header,
    };
    for (const size of [1, 7])
      expect(JSON.stringify(view(chunked(b, size, given, 1))), `chunks of ${size} bytes, 1-byte sample`).toBe(want);
    for (let cut = b.indexOf(10) + 1; cut > 0 && cut < b.length; cut = b.indexOf(10, cut) + 1) {
      const parts = inParts(b, cut, opts);
      if (parts) expect(JSON.stringify(view(parts)), `two parts cut at byte ${cut}`).toBe(want);
    }
  }
  return view(whole);
}

function view(r: IngestResult) {
  if (!r.ok) return { ok: false as const, reason: r.reason, report: r.report, events: [] as (string | number)[][] };
  const d = r.dataset;
  const events = Array.from(d.user, (u, e) => [
    d.userIds[u],
    d.itemIds[d.item[e]],
    d.time[e],
    ...(d.value ? [Number.isNaN(d.value[e]) ? 'NaN' : d.value[e]] : []),
  ]);
  const r2 = r.report;
  expect(r2.rowsRead).toBe(r2.events + r2.skipped);
  return { ok: true as const, reason: '', report: r2, events, dataset: d };
}

// The same four events in every format: users a, b; sorted by user then time.
const EXPECTED = [
  ['a', 'x', 10, 4],
  ['a', 'y', 20, 3.5],
  ['b', 'x', 5, 1],
  ['b', 'z', 30, 2],
];

describe('formats', () => {
  const rows = [
    ['a', 'y', '3.5', '20'],
    ['b', 'x', '1', '5'],
    ['a', 'x', '4', '10'],
    ['b', 'z', '2', '30'],
  ];
  for (const [name, d] of [
    ['comma', ','],
    ['tab', '\t'],
    ['semicolon', ';'],
    ['pipe', '|'],
    ['MovieLens ::', '::'],
  ] as const) {
    it(`${name}: with a header and without one`, () => {
      const body = rows.map((r) => r.join(d)).join('\n') + '\n';
      const headed = read(['userId', 'movieId', 'rating', 'timestamp'].join(d) + '\n' + body);
      expect(headed.events).toEqual(EXPECTED);
      expect(headed.report.format).toMatchObject({ delimiter: d, header: true, encoding: 'utf-8', bom: false });
      const bare = read(body);
      expect(bare.events).toEqual(EXPECTED);
      expect(bare.report.format).toMatchObject({ delimiter: d, header: false });
      expect(bare.report.columns).toMatchObject({ user: 0, item: 1, value: 2, time: 3 });
    });
  }

  it('u.data (tab, no header) and ratings.dat (::, no header): user, item, rating, time by position', () => {
    const udata = read('196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t377\t1\t878887116\n');
    expect(udata.events).toEqual([
      ['196', '377', 878887116, 1],
      ['196', '242', 881250949, 3],
      ['186', '302', 891717742, 3],
    ]);
    const dat = read('1::1193::5::978300760\n1::661::3::978302109\n');
    expect(dat.events).toEqual([
      ['1', '1193', 978300760, 5],
      ['1', '661', 978302109, 3],
    ]);
  });

  it(':: with numeric ids (the fast path): one colon is text, a time with a colon is skipped, ::: splits at the first ::', () => {
    const r = read('1::10::4.5::100::a:b\n2::11::3::200::x:\n1::12::5::10:30::y\n1::13::2::300:::z\n');
    // "300:::z": the first two colons delimit (as the general scanner reads it), so the time is 300 and the last field ":z".
    expect(r.events).toEqual([
      ['1', '10', 100, 4.5],
      ['1', '13', 300, 2],
      ['2', '11', 200, 3],
    ]);
    expect(r.report.problems.map((p) => [p.line, p.reason])).toEqual([[3, 'unparsable-time']]);
  });

  it('Amazon Personalize / rime names in any case and order; EVENT_TYPE recognised, not stored', () => {
    const r = read('EVENT_TYPE,TIMESTAMP,ITEM_ID,USER_ID,EVENT_VALUE\nclick,100,i1,u1,0.5\nbuy,50,i2,u1,2\n');
    expect(r.report.columns).toEqual({ user: 3, item: 2, value: 4, time: 1, eventType: 0 });
    expect(r.events).toEqual([
      ['u1', 'i2', 50, 2],
      ['u1', 'i1', 100, 0.5],
    ]);
    const alias = read('Time;Item;User_Id\n7;p;q\n');
    expect(alias.report.columns).toMatchObject({ user: 2, item: 1, value: -1, time: 0 });
    expect(alias.events).toEqual([['q', 'p', 7]]);
  });

  it('RFC 4180 quotes: delimiters, doubled quotes and line breaks inside quoted ids', () => {
    const r = read('user,item,time\n"Smith, J","say ""hi""",1\n"multi\nline",x,2\nplain,"",3\n');
    expect(r.events).toEqual([
      ['Smith, J', 'say "hi"', 1],
      ['multi\nline', 'x', 2],
    ]);
    // The empty quoted item is on physical line 5: the quoted line break made the row before it span lines 3–4.
    expect(r.report.problems).toEqual([{ line: 5, reason: 'empty-id', text: 'plain,"",3' }]);
  });

  it('CRLF line ends, a UTF-8 BOM, and blank lines (ignored, not counted)', () => {
    const b = new Uint8Array([0xef, 0xbb, 0xbf, ...enc('user_id,item_id,timestamp\r\n\r\nu,i,1\r\n  \r\nu,j,2\r\n')]);
    const r = read(b);
    expect(r.report.format).toMatchObject({ header: true, bom: true, encoding: 'utf-8' });
    expect(r.report.columns).toMatchObject({ user: 0, item: 1, time: 2 });
    expect(r.events).toEqual([
      ['u', 'i', 1],
      ['u', 'j', 2],
    ]);
    expect(r.report.rowsRead).toBe(2);
  });

  it('Latin-1 bytes (0xE9) are decoded as Latin-1; UTF-8 é as UTF-8', () => {
    const latin = read(new Uint8Array([...enc('user,item,time\nRen'), 0xe9, ...enc(',Caf'), 0xe9, ...enc(',1\n')]));
    expect(latin.report.format.encoding).toBe('latin1');
    expect(latin.events).toEqual([['René', 'Café', 1]]);
    const utf8 = read('user,item,time\nRené,Café,1\n');
    expect(utf8.report.format.encoding).toBe('utf-8');
    expect(utf8.events).toEqual([['René', 'Café', 1]]);
  });

  it('Latin-1 found only past the detection sample still switches the whole file to Latin-1', () => {
    const head = 'user,item,time\n' + 'u,i,1\n'.repeat(20_000);
    const b = new Uint8Array([...enc(head), ...enc('Jos'), 0xe9, ...enc(',i,2\n')]);
    const r = chunked(b, 4096);
    expect(r.ok && r.report.format.encoding).toBe('latin1');
    expect(r.ok && r.dataset.userIds).toEqual(['u', 'José']);
  });

  it('timestamps: seconds, milliseconds (by magnitude), ISO-8601 dates with and without time and offset', () => {
    const r = read(
      [
        'user,item,time',
        'a,s,1577836800', // 2020-01-01T00:00:00Z
        'b,ms,1577836800000',
        'c,date,2020-01-01',
        'd,z,2020-01-01T00:00:00Z',
        'e,plus,2020-01-01T01:00:00+01:00',
        'f,minus,2019-12-31 18:30:00-05:30',
        'g,frac,2020-01-01T00:00:00.5Z',
        'h,sfrac,1577836800.25',
      ].join('\n'),
    );
    expect(r.events.map((e) => e[2])).toEqual([
      1577836800, 1577836800, 1577836800, 1577836800, 1577836800, 1577836800, 1577836800.5, 1577836800.25,
    ]);
  });
});

describe('parseTime', () => {
  const t = (s: string) => parseTime(enc(s), 0, enc(s).length);
  it('hand-computed instants and refusals', () => {
    expect(t('2000-02-29')).toBe(951_782_400); // 2000-03-01 (951,868,800) minus a day
    expect(t('1970-01-01T00:00:00Z')).toBe(0);
    expect(t('1969-12-31T23:59:59Z')).toBe(-1);
    expect(t('2020-01-01T00:00:00-0530')).toBe(1_577_836_800 + 19_800);
    expect(t('99999999999')).toBe(99_999_999_999); // just under 1e11: still seconds
    expect(t('100000000000')).toBe(100_000_000); // 1e11 → milliseconds
    for (const bad of [
      '',
      'yesterday',
      '2019-02-29',
      '2020-13-01',
      '2020-01-01T25:00',
      '2020-01-01X',
      '12:30',
      '1e400',
    ])
      expect(t(bad), bad).toBeNaN();
  });
});

describe('bad rows', () => {
  it('each reason counted, with the physical line and the text; rows read = events + skipped', () => {
    const text = [
      'user,item,rating,time', // 1
      'a,x,1,10', // 2 ok
      'a,x,1', // 3 missing-field (no time column)
      '', // 4 blank
      'b,y,2,later', // 5 unparsable-time
      ',y,2,12', // 6 empty-id (user)
      'b, ,2,13', // 7 empty-id (item, blanks only)
      'b,y,2,', // 8 missing-field (empty time)
      'b,y,2,14,extra', // 9 wrong-field-count
      'b,"y\r\nz",2,15', // 10–11 ok, spans two lines
      'c,q,1,oops', // 12 unparsable-time
    ].join('\r\n');
    const r = read(text + '\r\n');
    expect(r.report.problems).toEqual([
      { line: 3, reason: 'missing-field', text: 'a,x,1' },
      { line: 5, reason: 'unparsable-time', text: 'b,y,2,later' },
      { line: 6, reason: 'empty-id', text: ',y,2,12' },
      { line: 7, reason: 'empty-id', text: 'b, ,2,13' },
      { line: 8, reason: 'missing-field', text: 'b,y,2,' },
      { line: 9, reason: 'wrong-field-count', text: 'b,y,2,14,extra' },
      { line: 12, reason: 'unparsable-time', text: 'c,q,1,oops' },
    ]);
    expect(r.report.skippedBy).toEqual({
      'missing-field': 2,
      'unparsable-time': 2,
      'empty-id': 2,
      'wrong-field-count': 1,
    });
    expect([r.report.rowsRead, r.report.events, r.report.skipped]).toEqual([9, 2, 7]);
    // A skipped row adds no user: c is not in the dictionary.
    expect(r.dataset!.userIds).toEqual(['a', 'b']);
    expect(r.events).toEqual([
      ['a', 'x', 10, 1],
      ['b', 'y\r\nz', 15, 2],
    ]);
  });

  it('keeps the first 100 examples and counts all', () => {
    const r = chunked(enc('user,item,time\n' + 'a,b,x\n'.repeat(150) + 'a,b,1\n'), 0);
    expect(r.ok).toBe(true);
    expect(r.report.skipped).toBe(150);
    expect(r.report.problems).toHaveLength(100);
    expect(r.report.problems[99]).toEqual({ line: 101, reason: 'unparsable-time', text: 'a,b,x' });
  });

  it('refuses an empty, a header-only, a binary, a single-column file and one with no readable row', () => {
    const why = (b: string | Uint8Array) => {
      const r = read(b);
      expect(r.ok).toBe(false);
      return r.reason;
    };
    expect(why('')).toMatch(/empty/);
    expect(why('\n\n')).toMatch(/empty/);
    expect(why('userId,movieId,rating,timestamp\n')).toMatch(/header but no rows/);
    expect(why(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 10]))).toMatch(/binary/);
    expect(why('one\ntwo\nthree\n')).toMatch(/single column/);
    expect(why('user,item,time\na,b,never\nc,d,\n')).toMatch(
      /none of its 2 rows could be read \(1 missing-field, 1 unparsable-time\)/,
    );
  });
});

describe('the Dataset built', () => {
  it('ids in first-seen order, stable sort by user then time, CSR offsets and item counts', () => {
    // Equal times keep file order (x before z for user 2 at t=5).
    const r = read('u,i,t\n2,x,5\n1,y,9\n2,y,1\n2,z,5\n1,x,3\n', {
      columns: { user: 0, item: 1, value: -1, time: 2 },
      delimiter: ',',
      header: true,
    });
    const d = r.dataset!;
    expect(d.userIds).toEqual(['2', '1']);
    expect(d.itemIds).toEqual(['x', 'y', 'z']);
    expect(Array.from(d.user)).toEqual([0, 0, 0, 1, 1]);
    expect(Array.from(d.item)).toEqual([1, 0, 2, 0, 1]);
    expect(Array.from(d.time)).toEqual([1, 5, 5, 3, 9]);
    expect(Array.from(d.userOffsets)).toEqual([0, 3, 5]);
    expect(Array.from(d.itemCounts)).toEqual([2, 2, 1]);
    expect(d.value).toBeUndefined();
  });

  it('user overrides: roles, delimiter and header as chosen in the preview', () => {
    const r = read('x;5;ann\ny;3;ann\n', {
      columns: { user: 2, item: 0, value: -1, time: 1 },
      delimiter: ';',
      header: false,
    });
    expect(r.events).toEqual([
      ['ann', 'y', 3],
      ['ann', 'x', 5],
    ]);
  });

  it('numeric rows with CRLF and an unused text column; rows of other shapes in between read the same', () => {
    const r = read(
      'user,item,rating,time,note\r\n1,10,4.5,100,ok\r\n2,11,3,200,"a, b"\r\n 1,12,5.0,50,x\r\n2,10,0.5,1.5e2,y\r\n3,11,,7,z\r\n',
    );
    expect(r.events).toEqual([
      ['1', '12', 50, 5],
      ['1', '10', 100, 4.5],
      ['2', '10', 150, 0.5],
      ['2', '11', 200, 3],
      ['3', '11', 7, 'NaN'],
    ]);
    expect(r.report.skipped).toBe(0);
  });

  it('decimal ids of any size get one index whether a row took the fast path or the general one', () => {
    // Each id appears in a plain row (fast path) and in a row with a quoted field (general path).
    const ids = ['0', '7', '2097151', '2097152', '3000000', '12345678', '99999999999999999999'];
    const plain = ids.map((u, k) => `${u},${k},${k + 1}`);
    const quoted = ids.map((u, k) => `"${u}",${k},"${k + 100}"`);
    const r = read('user,item,time\n' + [...plain, ...quoted].join('\n') + '\n');
    expect(r.dataset!.userIds).toEqual(ids);
    expect(Array.from(r.dataset!.userOffsets)).toEqual([0, 2, 4, 6, 8, 10, 12, 14]);
  });

  it('a decimal id with a leading zero stays apart from the same number without it', () => {
    const r = read('user,item,time\n7,1,1\n07,1,2\n7,01,3\n');
    expect(r.dataset!.userIds).toEqual(['7', '07']);
    expect(r.dataset!.itemIds).toEqual(['1', '01']);
  });
});

describe('sniff', () => {
  it('detects the delimiter by consistency, a header by text over numbers, and confidence', () => {
    expect(sniffBytes(enc('a|b|c\n1|2|3\n'), true)).toMatchObject({
      delimiter: '|',
      header: ['a', 'b', 'c'],
      fieldCount: 3,
      confident: false,
    });
    expect(sniffBytes(enc('ann,x,2020-01-01\nbob,y,2020-01-02\n'), true)).toMatchObject({
      delimiter: ',',
      header: null,
      confident: true,
      columns: { user: 0, item: 1, value: -1, time: 2 },
    });
    // Titles with commas inside quotes still split into 3 fields; the genres' pipes are not the delimiter.
    expect(
      sniffBytes(enc('movieId,title,genres\n1,"Toy Story (1995)",A|B|C\n11,"President, The (1995)",C|D\n'), true)
        .delimiter,
    ).toBe(',');
    // A cut last line is left out of a partial sample.
    expect(sniffBytes(enc('1::2::3::4\n5::6::7::8\n9::1'), false).rows).toEqual([
      ['1', '2', '3', '4'],
      ['5', '6', '7', '8'],
    ]);
  });
});

describe('item metadata', () => {
  it('movies.csv with quoted titles; movies.dat-like :: lines in Latin-1 without a header', () => {
    const csv = parseItemMeta(
      enc('movieId,title,genres\n11,"American President, The (1995)",Comedy|Drama\n12,"say ""hi""",x\n'),
    );
    expect(csv.ok && [...csv.meta]).toEqual([
      ['11', { title: 'American President, The (1995)', tags: 'Comedy|Drama' }],
      ['12', { title: 'say "hi"', tags: 'x' }],
    ]);
    const dat = parseItemMeta(
      new Uint8Array([...enc('1::Toy Story (1995)::Animation\n2::Am'), 0xe9, ...enc('lie (2001)::Comedy\n')]),
    );
    expect(dat.ok && dat.encoding).toBe('latin1');
    expect(dat.ok && dat.meta.get('2')).toEqual({ title: 'Amélie (2001)', tags: 'Comedy' });
    const bad = parseItemMeta(enc('a,b\n1,2\n'));
    expect(!bad.ok && bad.reason).toMatch(/item id column/);
  });
});

describe('summary', () => {
  it('density, repeat rate and health warnings counted by hand', () => {
    // u1: x, x, y (one repeat); u2: x. 4 events, 2 users, 2 items → density 4 / 4 = 1, repeat rate 1/4.
    const r = read('user,item,time\nu1,x,1\nu1,x,2\nu1,y,3\nu2,x,4\n');
    const s = summarise(r.dataset!, 't');
    expect([s.density, s.repeatRate, s.usersWith2]).toEqual([1, 0.25, 1]);
    expect(s.warnings).toEqual([
      'only 4 events; at least 1000 are recommended',
      'only 1 users with 2 or more events; at least 25 are recommended',
    ]);
  });
});

// Counterexamples found by ingest.property.test.ts, kept as plain cases.
describe('found by the property tests', () => {
  it('decimal times read exactly, on the numeric fast path and the general one (not 1.8599999999999999)', () => {
    expect(read('user,item,time\n0,0,0.0\n0,0,1.86\n').events).toEqual([
      ['0', '0', 0],
      ['0', '0', 1.86],
    ]);
    expect(read('user,item,time\na,x,1.57\n').events).toEqual([['a', 'x', 1.57]]);
    expect(parseTime(enc('7.135119'), 0, 8)).toBe(7.135119);
  });

  it("a ';' file whose quoted ids hold commas stays ';' when a row is short", () => {
    const rows = Array.from({ length: 11 }, () => '100000000000;aa;"a,a"');
    const r = read(`timestamp;userId;movieId\n${rows.join('\n')}\naa;"a,a"\n`);
    expect(r.report.format).toMatchObject({ delimiter: ';', header: true });
    expect([r.events.length, r.report.problems]).toEqual([
      11,
      [{ line: 13, reason: 'missing-field', text: 'aa;"a,a"' }],
    ]);
  });

  it("a ',' file whose quoted ids hold ';' stays ',' when rows lack their time", () => {
    const r = read('movieId,userId,timestamp\naa,"a;a",0\naa,"a;a",0\naa,"a;a"\naa,"a;a",0\naa,"a;a"\n');
    expect(r.report.format.delimiter).toBe(',');
    expect(r.events.length).toBe(3);
    expect(r.report.problems.map((p) => [p.line, p.reason])).toEqual([
      [4, 'missing-field'],
      [6, 'missing-field'],
    ]);
  });

  it('a short second row does not make the first data row of a headerless file a header', () => {
    const r = read('aa,aa,0\naa,0\n');
    expect(r.report.format.header).toBe(false);
    expect(r.events).toEqual([['aa', 'aa', 0]]);
    expect(r.report.problems).toEqual([{ line: 2, reason: 'missing-field', text: 'aa,0' }]);
  });
});

describe('MovieLens latest-small (../shared/data)', () => {
  it('ratings.csv: 100,836 events, 610 users, 9,724 items; ratings.dat reads the same', ({ skip }) => {
    const dir = movieLens(skip, 'ratings.csv', 'ratings.dat');
    for (const f of ['ratings.csv', 'ratings.dat']) {
      const b = new Uint8Array(readFileSync(`${dir}/${f}`));
      const r = chunked(b, 65_536);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const s = summarise(r.dataset, f);
      expect([r.report.rowsRead, r.report.events, r.report.skipped, s.nUsers, s.nItems]).toEqual([
        100_836, 100_836, 0, 610, 9_724,
      ]);
      // Every user of ml-latest-small has at least 20 ratings (README): nobody in the bins below 16.
      expect(s.charts.perUserCount.slice(0, 4)).toEqual([0, 0, 0, 0]);
      expect(s.warnings).toEqual([]);
    }
  });
});
