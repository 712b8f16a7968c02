/**
 * Property tests of the interaction-log reader: random valid logs (every delimiter the reader knows, header or not,
 * quoted fields, unix seconds / milliseconds / ISO-8601 times, UTF-8 or Latin-1) read back exactly; random
 * corruptions of them are skipped, each reported once with its reason and physical line. The expected events are
 * computed here from the generated rows, never by the reader.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Ingest, roleOfName, type IngestResult } from './index';

type Enc = 'utf-8' | 'latin1';
type TimeStyle = 'seconds' | 'fraction' | 'ms' | 'iso';

interface Row {
  user: string;
  item: string;
  /** The value as written (a decimal string), or null in a file without a value column. */
  value: string | null;
  /** Unix seconds, and how the time is written. */
  seconds: number;
  time: string;
}

interface Log {
  delimiter: string;
  header: boolean;
  /** Column order: a permutation of the roles (only with a header; without one, the positional order). */
  order: ('user' | 'item' | 'value' | 'time')[];
  encoding: Enc;
  bom: boolean;
  crlf: boolean;
  /** Rows followed by a blank line (ignored by the reader, but counted as physical lines). */
  blankAfter: boolean[];
  finalNewline: boolean;
  /** Fields quoted although nothing forces it. */
  quoteAll: boolean;
  rows: Row[];
}

const HEADER_NAMES = { user: 'userId', item: 'movieId', value: 'rating', time: 'timestamp' } as const;
/** Characters of ids beyond ASCII letters and digits: delimiters, quotes, a line break, spaces and non-ASCII. */
const SPECIAL_UTF8 = [',', ';', '|', '\t', ':', '"', '\n', ' ', '-', 'é', 'ß', '中', '😀'];
/** Latin-1 letters from 0xE0 up: each starts a UTF-8 multi-byte sequence that ASCII or another of them cannot
 * continue, so a file holding one is never valid UTF-8 and is read as Latin-1, as it should. */
const SPECIAL_LATIN1 = [',', ';', '|', '\t', ':', '"', '\n', ' ', '-', 'é', 'ü', 'ñ', 'ø'];

const letter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');
const plain = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');

/** An id: digits only, or a letter then letters, digits and special characters (never at the ends: ids are trimmed). */
function idArb(style: 'numeric' | 'text', enc: Enc): fc.Arbitrary<string> {
  if (style === 'numeric') return fc.integer({ min: 0, max: 999_999 }).map(String);
  const special = fc.constantFrom(...(enc === 'latin1' ? SPECIAL_LATIN1 : SPECIAL_UTF8));
  return fc
    .tuple(
      letter,
      fc.array(fc.oneof({ weight: 4, arbitrary: plain }, { weight: 1, arbitrary: special }), { maxLength: 8 }),
      plain,
    )
    .map(([a, mid, z]) => a + mid.join('') + z)
    .filter((id) => roleOfName(id) === null);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** The time written in `style`; `seconds` is what the reader must find. */
const timeArb = (style: TimeStyle): fc.Arbitrary<{ seconds: number; time: string }> => {
  switch (style) {
    case 'seconds':
      return fc.integer({ min: 0, max: 4_000_000_000 }).map((s) => ({ seconds: s, time: String(s) }));
    case 'fraction':
      // Seconds with 1-3 decimals, from a log that starts at 0 (synthetic) to today's clock.
      return fc
        .tuple(
          fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 4_000_000_000 })),
          fc.integer({ min: 1, max: 999 }),
          fc.integer({ min: 1, max: 3 }),
        )
        .map(([s, f, digits]) => {
          const time = `${s}.${String(f).padStart(3, '0').slice(0, digits)}`;
          return { seconds: Number(time), time };
        });
    case 'ms':
      // Milliseconds after March 1973 (MS_THRESHOLD): read as ms / 1000.
      return fc.integer({ min: 1e11, max: 4e12 }).map((ms) => ({ seconds: ms / 1000, time: String(ms) }));
    case 'iso':
      return fc
        .tuple(
          fc.integer({ min: 0, max: 4_000_000_000 }),
          fc.constantFrom('T', ' '),
          fc.constantFrom('Z', '', '+01:00', '-05:30', '+0930'),
        )
        .map(([s, sep, zone]) => {
          const offsetMin =
            zone === 'Z' || zone === ''
              ? 0
              : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
          const d = new Date((s + offsetMin * 60) * 1000);
          const date = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
          const time = `${date}${sep}${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}${zone}`;
          return { seconds: s, time };
        });
  }
};

/** A rating-like decimal: 0 to 3 fraction digits. */
const valueArb = fc
  .tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 3 }))
  .map(([n, digits]) => (digits === 0 ? String(n) : (n / 10 ** digits).toFixed(digits)));

const logArb: fc.Arbitrary<Log> = fc
  .record({
    delimiter: fc.constantFrom(',', '\t', ';', '|', '::'),
    header: fc.boolean(),
    withValue: fc.boolean(),
    encoding: fc.constantFrom<Enc>('utf-8', 'latin1'),
    bom: fc.boolean(),
    crlf: fc.boolean(),
    finalNewline: fc.boolean(),
    quoteAll: fc.boolean(),
    idStyle: fc.constantFrom<'numeric' | 'text'>('numeric', 'text'),
    timeStyle: fc.constantFrom<TimeStyle>('seconds', 'fraction', 'ms', 'iso'),
    seed: fc.integer(),
  })
  .chain((p) => {
    const roles = (p.withValue ? ['user', 'item', 'value', 'time'] : ['user', 'item', 'time']) as Log['order'];
    const ids = (n: number) => fc.uniqueArray(idArb(p.idStyle, p.encoding), { minLength: 1, maxLength: n });
    return fc
      .tuple(
        ids(6),
        ids(8),
        p.header ? fc.shuffledSubarray(roles, { minLength: roles.length }) : fc.constant(roles),
        fc.integer({ min: 1, max: 25 }),
      )
      .chain(([users, items, order, n]) =>
        fc.record({
          rows: fc.array(
            fc.record({
              user: fc.constantFrom(...users),
              item: fc.constantFrom(...items),
              value: p.withValue ? valueArb : fc.constant(null),
              t: timeArb(p.timeStyle),
            }),
            { minLength: n, maxLength: n },
          ),
          blankAfter: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
          order: fc.constant(order),
        }),
      )
      .map(({ rows, blankAfter, order }) => ({
        delimiter: p.delimiter,
        header: p.header,
        order,
        encoding: p.encoding,
        bom: p.bom && p.encoding === 'utf-8',
        crlf: p.crlf,
        blankAfter: blankAfter.map((b) => b && p.seed % 3 === 0),
        finalNewline: p.finalNewline,
        quoteAll: p.quoteAll,
        rows: rows.map((r) => ({ user: r.user, item: r.item, value: r.value, seconds: r.t.seconds, time: r.t.time })),
      }));
  });

/** One field as written: quoted when it holds a delimiter character, a quote, a line break or spaces at its ends. */
function field(s: string, log: Log): string {
  const needs = /[,;|\t:"\n]/.test(s) || s !== s.trim();
  return needs || (log.quoteAll && s !== '') ? `"${s.replaceAll('"', '""')}"` : s;
}

function rowFields(r: Row, log: Log): string[] {
  return log.order.map((role) =>
    role === 'user' ? r.user : role === 'item' ? r.item : role === 'value' ? r.value! : r.time,
  );
}

/** The log as bytes, and the physical line on which each row starts. */
function render(log: Log, rows: string[][]): { bytes: Uint8Array; lines: number[]; texts: string[] } {
  const eol = log.crlf ? '\r\n' : '\n';
  const texts = rows.map((fields) => fields.map((f) => field(f, log)).join(log.delimiter));
  let text = log.header ? log.order.map((r) => HEADER_NAMES[r]).join(log.delimiter) + eol : '';
  let line = log.header ? 2 : 1;
  const lines: number[] = [];
  texts.forEach((t, k) => {
    lines.push(line);
    const last = k === texts.length - 1;
    text += t + (last && !log.finalNewline ? '' : eol);
    line += 1 + (t.match(/\n/g)?.length ?? 0);
    if (log.blankAfter[k] && !last) {
      text += eol;
      line++;
    }
  });
  const body =
    log.encoding === 'latin1' ? Uint8Array.from(text, (c) => c.charCodeAt(0)) : new TextEncoder().encode(text);
  const bytes = log.bom ? new Uint8Array([0xef, 0xbb, 0xbf, ...body]) : body;
  return { bytes, lines, texts };
}

/** The events the reader must produce from `rows`: users in first-seen order, each user's events by time (stable). */
function expectedEvents(rows: Row[]): (string | number)[][] {
  const byUser = new Map<string, Row[]>();
  for (const r of rows) byUser.set(r.user, [...(byUser.get(r.user) ?? []), r]);
  return [...byUser.values()].flatMap((rs) =>
    [...rs]
      .sort((a, b) => a.seconds - b.seconds)
      .map((r) => [r.user, r.item, r.seconds, ...(r.value === null ? [] : [Math.fround(Number(r.value))])]),
  );
}

function events(r: IngestResult): (string | number)[][] {
  if (!r.ok) throw new Error(r.reason);
  const d = r.dataset;
  return Array.from(d.user, (u, e) => [
    d.userIds[u],
    d.itemIds[d.item[e]],
    d.time[e],
    ...(d.value ? [d.value[e]] : []),
  ]);
}

/** Reads the bytes whole (format detected from them), or in chunks of `chunk` bytes. */
function ingest(bytes: Uint8Array, chunk = 0): IngestResult {
  const ing = new Ingest();
  if (chunk === 0) ing.push(bytes);
  else for (let i = 0; i < bytes.length; i += chunk) ing.push(bytes.slice(i, i + chunk));
  return ing.finish();
}

describe('reader properties', () => {
  it('a valid log reads back exactly: users, items, times, values, format', () => {
    fc.assert(
      fc.property(logArb, fc.integer({ min: 1, max: 64 }), (log, chunk) => {
        const { bytes } = render(
          log,
          log.rows.map((r) => rowFields(r, log)),
        );
        const whole = ingest(bytes);
        const want = expectedEvents(log.rows);
        expect(events(whole)).toEqual(want);
        expect(events(ingest(bytes, chunk))).toEqual(want);
        if (!whole.ok) return;
        const high = log.rows.some((r) => [...(r.user + r.item)].some((ch) => ch.charCodeAt(0) > 0x7f));
        expect(whole.report.format).toEqual({
          delimiter: log.delimiter,
          header: log.header,
          encoding: log.encoding === 'latin1' && high ? 'latin1' : 'utf-8',
          bom: log.bom,
        });
        expect([whole.report.rowsRead, whole.report.events, whole.report.skipped]).toEqual([
          log.rows.length,
          log.rows.length,
          0,
        ]);
      }),
      { numRuns: 150 },
    );
  });

  type Corruption = 'drop-field' | 'extra-field' | 'bad-time' | 'empty-user' | 'empty-item' | 'empty-time';
  const REASON: Record<Corruption, string> = {
    'drop-field': 'missing-field',
    'extra-field': 'wrong-field-count',
    'bad-time': 'unparsable-time',
    'empty-user': 'empty-id',
    'empty-item': 'empty-id',
    'empty-time': 'missing-field',
  };

  function corrupt(fields: string[], log: Log, how: Corruption, pick: number): string[] {
    const f = [...fields];
    const at = (role: Log['order'][number]) => log.order.indexOf(role);
    switch (how) {
      case 'drop-field':
        f.splice(pick % f.length, 1);
        break;
      case 'extra-field':
        f.push('extra');
        break;
      case 'bad-time':
        f[at('time')] = ['soon', '2020-13-01', '12:34', '1e400', 'yesterday 5pm'][pick % 5];
        break;
      case 'empty-user':
        f[at('user')] = pick % 2 ? '' : '   ';
        break;
      case 'empty-item':
        f[at('item')] = '';
        break;
      case 'empty-time':
        f[at('time')] = pick % 2 ? '' : ' ';
        break;
    }
    return f;
  }

  it('corrupted rows are skipped and reported once each, with reason and physical line; the others read exactly', () => {
    const corruptionArb = fc.record({
      how: fc.constantFrom<Corruption>(
        'drop-field',
        'extra-field',
        'bad-time',
        'empty-user',
        'empty-item',
        'empty-time',
      ),
      pick: fc.nat(),
    });
    fc.assert(
      fc.property(
        logArb.filter((l) => l.rows.length >= 2),
        fc.array(fc.option(corruptionArb, { freq: 2 }), { minLength: 25, maxLength: 25 }),
        (log, plan) => {
          // The first data row stays valid (without a header it sets the field count every row must have), and valid
          // rows outnumber bad ones: detection goes by the most common row shape, and a file mostly broken has none.
          const bad = log.rows.map((_, k) => (k === 0 ? null : plan[k]));
          fc.pre(2 * bad.filter(Boolean).length < log.rows.length);
          const rows = log.rows.map((r, k) => {
            const fields = rowFields(r, log);
            const c = bad[k];
            return c ? corrupt(fields, log, c.how, c.pick) : fields;
          });
          const { bytes, lines, texts } = render(log, rows);
          const r = ingest(bytes);
          const kept = log.rows.filter((_, k) => !bad[k]);
          const reported = bad.flatMap((c, k) =>
            c ? [{ line: lines[k], reason: REASON[c.how], text: texts[k] }] : [],
          );
          expect(r.ok).toBe(true);
          expect(events(r)).toEqual(expectedEvents(kept));
          expect(r.report.rowsRead).toBe(r.report.events + r.report.skipped);
          expect([r.report.rowsRead, r.report.events, r.report.skipped]).toEqual([
            log.rows.length,
            kept.length,
            reported.length,
          ]);
          expect(r.report.problems).toEqual(reported);
        },
      ),
      { numRuns: 150 },
    );
  });
});
