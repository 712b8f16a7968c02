/**
 * A file read by two readers: the settings the second needs, the part it hands back, and the first reader taking
 * that part in (ingest.ts reads; workers/ingestPart.* runs the second reader).
 */
import { ByteDict, type DictBytes } from './dict';
import type { ReadState } from './readState';
import { MAX_PROBLEMS, SKIP_REASONS, type IngestPart, type PartSettings } from './report';

/** The settings a later part needs, once the header (or first row) has been read; null before, or when refused. */
export function partSettingsOf(st: ReadState): PartSettings | null {
  if (st.refused !== null || st.expected === 0 || st.headerPending) return null;
  return {
    delimiter: st.opts?.delimiter ?? st.sniff!.delimiter,
    columns: st.columns,
    expected: st.expected,
    ...(st.extras.length > 0 ? { extras: st.extras.map((x) => ({ ...x })) } : {}),
  };
}

/** A later part's events and counts, once its bytes are read (see IngestPart). */
export function partOf(st: ReadState): IngestPart {
  const ev = st.ev!;
  return {
    users: st.users.bytes(),
    items: st.items.bytes(),
    // Views, not copies: the part crosses to the first reader by transfer of these buffers, and its events are
    // copied once there (absorb); the columns were sized from the part's byte count, so little is carried over.
    user: ev.user.subarray(0, ev.n),
    item: ev.item.subarray(0, ev.n),
    time: ev.time.subarray(0, ev.n),
    value: ev.value ? ev.value.subarray(0, ev.n) : null,
    rows: st.rows,
    skippedBy: { ...st.skippedBy },
    problems: st.raw,
    lines: st.line - 1,
    latin1: st.encoding === 'latin1',
    bytes: st.bytes,
    refused: st.refused,
    ...(st.extras.length > 0
      ? {
          extras: ev.extras.map((a) => a.subarray(0, ev.n)),
          extraDicts: st.extraDicts.map((d) => (d ? d.bytes() : null)),
        }
      : {}),
    anchors: Int32Array.from(st.anchors),
  };
}

/**
 * Appends a later part read elsewhere (it must start where the bytes pushed here end, at a record boundary): its
 * ids are looked up in this dictionary in its first-seen order, so the result is the one reading it here gives.
 */
export function absorbPart(st: ReadState, p: IngestPart): void {
  const remap = (d: DictBytes, dict: ByteDict) => {
    const m = new Int32Array(d.starts.length);
    for (let k = 0; k < m.length; k++) m[k] = dict.index(d.arena, d.starts[k], d.ends[k]);
    return m;
  };
  const um = remap(p.users, st.users);
  const im = remap(p.items, st.items);
  const ev = st.ev!;
  const n = p.user.length;
  while (ev.cap < ev.n + n) ev.grow();
  const at = ev.n;
  for (let i = 0; i < n; i++) {
    ev.user[at + i] = um[p.user[i]];
    ev.item[at + i] = im[p.item[i]];
  }
  ev.time.set(p.time, at);
  if (ev.value && p.value) ev.value.set(p.value, at);
  st.extras.forEach((_x, k) => {
    const src = p.extras![k];
    const dst = ev.extras[k];
    const d = p.extraDicts![k];
    if (!d) dst.set(src, at);
    else {
      const m = remap(d, st.extraDicts[k]!);
      for (let i = 0; i < n; i++) dst[at + i] = src[i] < 0 ? -1 : m[src[i]];
    }
  });
  const offset = st.line - 1;
  const pa = p.anchors ?? new Int32Array(0);
  for (let k = 0; k < pa.length; k += 2) st.anchor(at + pa[k], pa[k + 1] + offset);
  ev.n += n;
  for (const q of p.problems) if (st.raw.length < MAX_PROBLEMS) st.raw.push({ ...q, line: q.line + offset });
  for (const r of SKIP_REASONS) st.skippedBy[r] += p.skippedBy[r];
  st.rows += p.rows;
  st.line += p.lines;
  st.bytes += p.bytes;
  if (p.latin1) st.encoding = 'latin1';
}
