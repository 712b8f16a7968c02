/**
 * Interim streaming loader for interaction logs (MovieLens ratings.csv / ratings.dat / TSV), used by the data worker
 * until the shared ingest core (src/core/data/ingest) lands; then loadFile switches to it and this file goes.
 * Columns: a header names them (userId/user, movieId/itemId/item, rating/value, timestamp/time); without a header
 * the MovieLens order user, item, rating, timestamp is assumed.
 */
import type { Dataset } from '../src/core/data/types';
import type { DataErrorCode, LoadProblem } from './data.api';

const MAX_PROBLEMS = 100;

export type ParseResult =
  | { ok: true; dataset: Dataset; problems: LoadProblem[] }
  | { ok: false; code: DataErrorCode; reason: string; problems: LoadProblem[] };

/** Column index of each role; value −1 = no value column. */
export interface Columns {
  user: number;
  item: number;
  value: number;
  time: number;
}

/** What the first lines of a file look like, before the full load. */
export interface Sniff {
  delimiter: string;
  /** Header fields, or null when the first line is data. */
  header: string[] | null;
  /** Roles read from the header, or the MovieLens order user, item, rating, timestamp. */
  columns: Columns;
  /** Up to 8 data lines split into fields. */
  rows: string[][];
  /** NUL bytes in the sample: a binary file, refused before loading. */
  binary: boolean;
  /** True when the roles come from a header that named them, or every preview row has a numeric timestamp there. */
  confident: boolean;
}

const delimiterOf = (line: string) => (line.includes('::') ? '::' : line.includes('\t') ? '\t' : ',');

/** Guesses delimiter, header and roles from the start of a file (text already decoded; the last line may be cut). */
export function sniffText(text: string): Sniff {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  const delimiter = delimiterOf(lines[0] ?? ',');
  const first = (lines[0] ?? '').split(delimiter);
  const fromHeader = columnsFromHeader(first);
  const header = fromHeader || first.some((f) => f.trim() !== '' && !Number.isFinite(Number(f))) ? first : null;
  const columns = fromHeader ?? { user: 0, item: 1, value: 2, time: 3 };
  const rows = lines.slice(header ? 1 : 0, (header ? 1 : 0) + 8).map((l) => l.split(delimiter));
  const timed = rows.length > 0 && rows.every((r) => r[columns.time] !== undefined && Number.isFinite(Number(r[columns.time])) && r[columns.time].trim() !== '');
  const binary = text.includes('\u0000');
  return { delimiter, header, columns, rows, binary, confident: !binary && (fromHeader !== null || (header === null && timed)) };
}

const NAMES: Record<keyof Columns, string[]> = {
  user: ['userid', 'user_id', 'user'],
  item: ['movieid', 'itemid', 'item_id', 'item', 'movie'],
  value: ['rating', 'value', 'event_value'],
  time: ['timestamp', 'time', 'ts', 'timestamp_s'],
};

function columnsFromHeader(fields: string[]): Columns | null {
  const low = fields.map((f) => f.trim().toLowerCase());
  const find = (k: keyof Columns) => low.findIndex((f) => NAMES[k].includes(f));
  const c = { user: find('user'), item: find('item'), value: find('value'), time: find('time') };
  return c.user >= 0 && c.item >= 0 && c.time >= 0 ? c : null;
}

/** Parses chunks of bytes into a Dataset sorted by user, then time (stable), as types.ts requires. */
export async function parseInteractions(chunks: AsyncIterable<Uint8Array>, override?: { columns: Columns; delimiter: string; header: boolean }): Promise<ParseResult> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const problems: LoadProblem[] = [];
  let badLines = 0;
  let lineNo = 0;
  let rest = '';
  let delim: string | null = override?.delimiter ?? null;
  let cols: Columns = override?.columns ?? { user: 0, item: 1, value: 2, time: 3 };
  let skipHeader = override?.header ?? false;
  const userIdx = new Map<string, number>();
  const itemIdx = new Map<string, number>();
  let cap = 1 << 16;
  let users = new Int32Array(cap);
  let items = new Int32Array(cap);
  let times = new Float64Array(cap);
  let values = new Float32Array(cap);
  let n = 0;
  const problem = (reason: string, text: string) => {
    badLines++;
    if (problems.length < MAX_PROBLEMS) problems.push({ line: lineNo, reason, text: text.slice(0, 200) });
  };
  const line = (text: string) => {
    lineNo++;
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() === '') return;
    if (text.includes('\u0000')) return problem('binary data (NUL byte): not a text file', text.split('\u0000').join('\\0'));
    if (skipHeader) {
      skipHeader = false;
      return;
    }
    if (delim === null) {
      delim = delimiterOf(text);
      const header = columnsFromHeader(text.split(delim));
      if (header) {
        cols = header;
        return;
      }
    }
    const f = text.split(delim);
    const need = Math.max(cols.user, cols.item, cols.time) + 1;
    if (f.length < need) return problem(`expected at least ${need} fields separated by ${JSON.stringify(delim)}, found ${f.length}`, text);
    const t = Number(f[cols.time]);
    if (f[cols.time].trim() === '' || !Number.isFinite(t)) return problem(`timestamp ${JSON.stringify(f[cols.time])} is not a number`, text);
    const u = f[cols.user].trim();
    const i = f[cols.item].trim();
    if (u === '' || i === '') return problem('empty user or item id', text);
    if (n === cap) {
      cap *= 2;
      const grow = <T extends Int32Array | Float64Array | Float32Array>(a: T, b: T): T => (b.set(a), b);
      users = grow(users, new Int32Array(cap));
      items = grow(items, new Int32Array(cap));
      times = grow(times, new Float64Array(cap));
      values = grow(values, new Float32Array(cap));
    }
    let ui = userIdx.get(u);
    if (ui === undefined) userIdx.set(u, (ui = userIdx.size));
    let ii = itemIdx.get(i);
    if (ii === undefined) itemIdx.set(i, (ii = itemIdx.size));
    users[n] = ui;
    items[n] = ii;
    times[n] = t;
    values[n] = cols.value >= 0 && f[cols.value] !== undefined ? Number(f[cols.value]) : NaN;
    n++;
  };
  for await (const chunk of chunks) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) line(p);
  }
  rest += decoder.decode();
  if (rest !== '') line(rest);
  if (n === 0) {
    const why = lineNo === 0 ? 'the file is empty' : badLines > 0 ? `none of ${lineNo} lines could be read` : 'the file has a header but no events';
    return { ok: false, code: 'bad-file', reason: why, problems };
  }
  if (badLines > n) return { ok: false, code: 'bad-file', reason: `${badLines} of ${badLines + n} lines could not be read`, problems };
  return { ok: true, dataset: build(users, items, times, values, n, userIdx, itemIdx), problems };
}

function build(users: Int32Array, items: Int32Array, times: Float64Array, values: Float32Array, n: number, userIdx: Map<string, number>, itemIdx: Map<string, number>): Dataset {
  const nUsers = userIdx.size;
  const nItems = itemIdx.size;
  // Counting sort by user keeps file order within a user; then each user's slice is sorted by time (stable).
  const userOffsets = new Int32Array(nUsers + 1);
  for (let e = 0; e < n; e++) userOffsets[users[e] + 1]++;
  for (let u = 0; u < nUsers; u++) userOffsets[u + 1] += userOffsets[u];
  const fill = userOffsets.slice(0, nUsers);
  const order = new Int32Array(n);
  for (let e = 0; e < n; e++) order[fill[users[e]]++] = e;
  for (let u = 0; u < nUsers; u++) {
    const slice = Array.from(order.subarray(userOffsets[u], userOffsets[u + 1]));
    slice.sort((a, b) => times[a] - times[b] || a - b);
    order.set(slice, userOffsets[u]);
  }
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const time = new Float64Array(n);
  const value = new Float32Array(n);
  const itemCounts = new Int32Array(nItems);
  for (let k = 0; k < n; k++) {
    const e = order[k];
    user[k] = users[e];
    item[k] = items[e];
    time[k] = times[e];
    value[k] = values[e];
    itemCounts[items[e]]++;
  }
  return { userIds: [...userIdx.keys()], itemIds: [...itemIdx.keys()], user, item, time, value, userOffsets, itemCounts, nUsers, nItems };
}

/** Splits one CSV line with RFC 4180 quotes ("a, b" and doubled "" inside quotes). */
export function splitCsvLine(line: string, delimiter = ','): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur === '') quoted = true;
    else if (line.startsWith(delimiter, i)) {
      out.push(cur);
      cur = '';
      i += delimiter.length - 1;
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Item metadata (e.g. MovieLens movies.csv: movieId,title,genres) as a map from item id to title and tags.
 * Needs a header naming the id column and a title column; quoted fields may hold the delimiter.
 */
export function parseItemMeta(text: string): { ok: true; meta: Map<string, { title: string; tags: string }> } | { ok: false; reason: string } {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const first = lines[0] ?? '';
  const delimiter = first.includes('::') ? '::' : first.includes('\t') ? '\t' : ',';
  const head = splitCsvLine(first, delimiter).map((f) => f.trim().toLowerCase());
  const id = head.findIndex((f) => NAMES.item.includes(f));
  const title = head.findIndex((f) => f === 'title' || f === 'name');
  const tags = head.findIndex((f) => f === 'genres' || f === 'tags' || f === 'genre');
  if (id < 0 || title < 0) return { ok: false, reason: `the header needs an item id column (${NAMES.item.join('/')}) and a title column; found ${JSON.stringify(head.slice(0, 6))}` };
  const meta = new Map<string, { title: string; tags: string }>();
  for (let k = 1; k < lines.length; k++) {
    if (lines[k].trim() === '') continue;
    const f = splitCsvLine(lines[k], delimiter);
    if (f[id] === undefined || f[title] === undefined) continue;
    meta.set(f[id].trim(), { title: f[title].trim(), tags: tags >= 0 ? (f[tags] ?? '').trim() : '' });
  }
  return meta.size > 0 ? { ok: true, meta } : { ok: false, reason: 'no item rows under the header' };
}
