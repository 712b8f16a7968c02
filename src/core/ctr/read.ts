/**
 * The impression reader: a file in (chunks of any size), an ImpressionLog, its summary and a report out. It is the
 * interaction reader (data/ingest) with the label, context and event-type columns read on the same pass
 * (extras.ts), then:
 *   impressions (click / conversion / nonclk labels): rows with a label that is not 0/1/true/false, or with a
 *     conversion but no click, are left out and reported with their lines; a constant label column is reported;
 *   events (an event-type column): views and clicks are clicks, a purchase converts the user's last unconverted
 *     click on that item (or, with none before it, is a click and a conversion), other types are left out; the
 *     non-clicked impressions are sampled (negatives.ts);
 *   interactions (anything else, read exactly as the interaction reader reads it): every row is a click, a rating
 *     of 4 or more a conversion (fromRatings.ts), the non-clicked impressions sampled.
 */
import {
  FLAG_BAD,
  Ingest,
  lineOfEvent,
  MAX_PROBLEMS,
  sniffBytes,
  SNIFF_BYTES,
  type EventTable,
  type ExtraColumn,
  type IngestReport,
} from '../data/ingest/index';
import {
  buildImpressionLog,
  byUserInTime,
  summariseImpressions,
  type ImpressionColumnsIn,
  type ImpressionSummary,
} from './log';
import { impressionsFromRatings } from './fromRatings';
import { resolveSampling, samplingNote, withSampledNegatives, type NegativeSampling } from './negatives';
import {
  classifyEvent,
  planLog,
  type EventClass,
  type ImpressionColumns,
  type LogKind,
  type LogPlan,
} from './readColumns';
import type { ImpressionLog } from './types';

export interface ImpressionReadOptions {
  /** How negatives are sampled for event and interaction logs (negatives.ts; ratings always exclude rated items). */
  sampling?: NegativeSampling;
  /** Interaction logs with ratings: a rating at or above it is a conversion. Default 4. */
  likeThreshold?: number;
}

/** Rows of one kind of label problem: how many, and the first MAX_PROBLEMS physical lines. */
export interface LabelProblem {
  count: number;
  lines: number[];
}

/** How the file was read as impressions (what `rimw inspect` and the page would list). */
export interface ImpressionReport {
  /** The interaction reader's report: format, rows read, rows skipped by reason with their lines. */
  ingest: IngestReport;
  kind: LogKind;
  /** Why the file was read as an interaction log, or null. */
  why: string | null;
  /** Role → header name (or 1-based position without a header), for the roles found. */
  columns: Partial<Record<keyof ImpressionColumns, string>>;
  /** Rows with a label that is not 0, 1, true or false (or nonclk + clk ≠ 1): left out. */
  badLabels: LabelProblem;
  /** Rows with a conversion but no click: left out. */
  conversionWithoutClick: LabelProblem;
  /** Label columns with one value on every kept row (their rows are kept). */
  constantLabels: { column: string; value: number; reason: string }[];
  /** Event logs: each event type, its rows, and how it counted. */
  eventTypes: { type: string; rows: number; as: EventClass }[];
  /** Items whose rows give more than one category (the first is kept). */
  itemsWithSeveralCategories: number;
  /** What was done with each kind of problem, and how labels and negatives came about, in plain sentences. */
  actions: string[];
}

export type ImpressionReadResult =
  | { ok: true; log: ImpressionLog; summary: ImpressionSummary; report: ImpressionReport }
  | { ok: false; code: 'bad-file' | 'bad-config'; reason: string; report: ImpressionReport | null };

/** Where each label, context and event-type column sits among the extras asked of the Ingest (−1: absent). */
type Slots = Record<'click' | 'nonClick' | 'conversion' | 'eventType' | 'context' | 'category', number>;

/** Push chunks in file order, then finish(). The first 64 KiB decide the kind of log (readColumns.ts). */
export class ImpressionReader {
  private head: Uint8Array[] = [];
  private headBytes = 0;
  private ingest: Ingest | null = null;
  private plan: LogPlan | null = null;
  private slots: Slots | null = null;
  private readonly sampleBytes: number;

  constructor(
    private readonly options: ImpressionReadOptions = {},
    private readonly tuning: { sampleBytes?: number; sizeHint?: number } = {},
  ) {
    this.sampleBytes = Math.max(3, tuning.sampleBytes ?? SNIFF_BYTES);
  }

  push(chunk: Uint8Array): void {
    if (this.ingest) return this.ingest.push(chunk);
    this.head.push(chunk.slice());
    this.headBytes += chunk.length;
    if (this.headBytes >= this.sampleBytes) this.begin(false);
  }

  /** Detection on the first bytes, then an Ingest for the plan, fed what was gathered. */
  private begin(complete: boolean): void {
    const head = new Uint8Array(this.headBytes);
    let at = 0;
    for (const c of this.head) {
      head.set(c, at);
      at += c.length;
    }
    this.head = [];
    const sample = head.subarray(0, this.sampleBytes);
    const s = sniffBytes(sample, complete && sample.length === head.length);
    const plan: LogPlan = s.problem ? { kind: 'interactions', why: s.problem } : planLog(s.header, s.rows);
    this.plan = plan;
    const tuning = { sizeHint: this.tuning.sizeHint, sampleBytes: this.tuning.sampleBytes };
    if (plan.kind === 'interactions') this.ingest = new Ingest(undefined, tuning);
    else {
      const c = plan.columns;
      const extras: ExtraColumn[] = [];
      const slot = (col: number, kind: ExtraColumn['kind']) => (col < 0 ? -1 : extras.push({ column: col, kind }) - 1);
      this.slots = {
        click: slot(c.click, 'flag'),
        nonClick: slot(c.nonClick, 'flag'),
        conversion: slot(c.conversion, 'flag'),
        eventType: slot(c.eventType, 'text'),
        context: slot(c.context, 'text'),
        category: slot(c.category, 'text'),
      };
      this.ingest = new Ingest(
        {
          delimiter: s.delimiter,
          header: s.header !== null,
          columns: { user: c.user, item: c.item, value: -1, time: c.time },
        },
        { ...tuning, extras },
      );
    }
    this.ingest.push(head);
  }

  finish(): ImpressionReadResult {
    if (!this.ingest) this.begin(true);
    const plan = this.plan!;
    const sampling = resolveSampling(this.options.sampling);
    if (!sampling.ok) return { ok: false, code: 'bad-config', reason: sampling.reason, report: null };
    if (plan.kind === 'interactions') return this.finishInteractions(plan.why);
    // Views of the reader's arrays even when its size guess was generous: the log is built from them at once, and
    // copying 1M rows' columns costs more than the rest of the build.
    const r = this.ingest!.finishColumns(0.5);
    const report = emptyReport(r.report, plan);
    if (!r.ok) return { ok: false, code: 'bad-file', reason: r.reason, report };
    const built = plan.kind === 'impressions' ? fromLabels(r.table, this.slots!, report) : null;
    if (built && !built.ok) return { ok: false, code: 'bad-file', reason: built.reason, report };
    let columns: ImpressionColumnsIn;
    if (built?.ok) columns = built.columns;
    else {
      const ev = fromEvents(r.table, this.slots!, report);
      if (!ev.ok) return { ok: false, code: 'bad-file', reason: ev.reason, report };
      const sampled = withSampledNegatives(ev.clicks, sampling.data);
      report.actions.push(samplingNote(sampling.data, sampled.stats));
      columns = sampled.columns;
    }
    const log = buildImpressionLog(columns);
    constantLabels(log, plan, report);
    const summary = summariseImpressions(log, {
      kind: plan.kind === 'impressions' ? 'impressions' : 'interactions',
      labels: plan.kind === 'impressions' ? 'logged' : 'event-types',
      columns: { context: report.columns.context, category: report.columns.category },
      notes: report.actions,
    });
    return { ok: true, log, summary, report };
  }

  /** A plain interaction log, read as the interaction reader reads it; every row a click, ratings ≥ 4 conversions. */
  private finishInteractions(why: string): ImpressionReadResult {
    const r = this.ingest!.finish();
    const report = emptyReport(r.report, { kind: 'interactions', why });
    if (!r.ok) return { ok: false, code: 'bad-file', reason: r.reason, report };
    const h = r.report.headerNames;
    const name = (j: number) => h?.[j] ?? String(j + 1);
    const c = r.report.columns;
    report.columns = { user: name(c.user), item: name(c.item), time: name(c.time) };
    const d = r.dataset;
    let log: ImpressionLog;
    let labels: ImpressionSummary['labels'];
    if (d.value) {
      const conv = impressionsFromRatings(d, { ...this.options.sampling, likeThreshold: this.options.likeThreshold });
      if (!conv.ok) return { ok: false, code: 'bad-config', reason: conv.reason, report };
      log = conv.data.log;
      labels = 'ratings';
      report.actions.push(`Every row is a click (a rating of an item, column ${name(c.value)}). ${conv.data.note}`);
    } else {
      const s = resolveSampling(this.options.sampling);
      if (!s.ok) return { ok: false, code: 'bad-config', reason: s.reason, report };
      const sampled = withSampledNegatives(
        {
          userIds: d.userIds,
          itemIds: d.itemIds,
          user: d.user,
          item: d.item,
          time: d.time,
          conversion: new Uint8Array(d.user.length),
        },
        s.data,
      );
      log = buildImpressionLog(sampled.columns);
      labels = 'rows';
      report.actions.push(`Every row is a click; the file has no conversions. ${samplingNote(s.data, sampled.stats)}`);
    }
    constantLabels(log, null, report);
    const summary = summariseImpressions(log, { kind: 'interactions', labels, notes: report.actions });
    return { ok: true, log, summary, report };
  }
}

function emptyReport(ingest: IngestReport, plan: LogPlan): ImpressionReport {
  const columns: ImpressionReport['columns'] = {};
  if (plan.kind !== 'interactions')
    for (const [role, j] of Object.entries(plan.columns) as [keyof ImpressionColumns, number][])
      if (j >= 0) columns[role] = ingest.headerNames?.[j] ?? plan.names[j] ?? String(j + 1);
  return {
    ingest,
    kind: plan.kind,
    why: plan.kind === 'interactions' ? plan.why : null,
    columns,
    badLabels: { count: 0, lines: [] },
    conversionWithoutClick: { count: 0, lines: [] },
    constantLabels: [],
    eventTypes: [],
    itemsWithSeveralCategories: 0,
    actions: [],
  };
}

function note(p: LabelProblem, line: number): void {
  p.count++;
  if (p.lines.length < MAX_PROBLEMS) p.lines.push(line);
}

/** "lines 3, 7 and 9" / "lines 3, 7, … (the first 100 of 250)". */
function linesText(p: LabelProblem): string {
  const more = p.count > p.lines.length ? `, … (the first ${p.lines.length} of ${p.count})` : '';
  return `line${p.count === 1 ? '' : 's'} ${p.lines.join(', ')}${more}`;
}

/** Per item, the category of its first row that has one (−1: none), over rows [0, cat.length) of t; counts conflicts. */
function itemCategories(t: EventTable, cat: Int32Array | null, report: ImpressionReport) {
  if (!cat) return null;
  const out = new Int32Array(t.itemIds.length).fill(-1);
  const several = new Uint8Array(t.itemIds.length);
  for (let e = 0; e < cat.length; e++) {
    const i = t.item[e];
    const c = cat[e];
    if (c < 0) continue;
    if (out[i] < 0) out[i] = c;
    else if (out[i] !== c && !several[i]) {
      several[i] = 1;
      report.itemsWithSeveralCategories++;
    }
  }
  if (report.itemsWithSeveralCategories > 0)
    report.actions.push(
      `${report.itemsWithSeveralCategories} item(s) appear with more than one category: each keeps the category of its first row.`,
    );
  return out;
}

/** Impressions with logged labels: the rows whose labels read, checked, as columns for buildImpressionLog. */
function fromLabels(
  t: EventTable,
  slots: Slots,
  report: ImpressionReport,
): { ok: true; columns: ImpressionColumnsIn } | { ok: false; reason: string } {
  const n = t.user.length;
  const x = (k: number) => (k >= 0 ? (t.extras[k] as Uint8Array) : null);
  const clk = x(slots.click);
  const non = x(slots.nonClick);
  const cv = x(slots.conversion);
  const ctx = slots.context >= 0 ? (t.extras[slots.context] as Int32Array) : null;
  const cat = slots.category >= 0 ? (t.extras[slots.category] as Int32Array) : null;
  // The kept rows are compacted in place (row e moves to kept ≤ e after it was read): no copy when all are kept.
  const click = clk ?? non ?? new Uint8Array(n).fill(1);
  const conversion = cv ?? new Uint8Array(n);
  let kept = 0;
  for (let e = 0; e < n; e++) {
    let c: number;
    if (clk) {
      c = clk[e];
      // Taobao's pair: exactly one of nonclk and clk is 1.
      if (non && c !== FLAG_BAD && (non[e] === FLAG_BAD || non[e] + c !== 1)) c = FLAG_BAD;
    } else if (non) c = non[e] === FLAG_BAD ? FLAG_BAD : 1 - non[e];
    else c = 1;
    const v = cv ? cv[e] : 0;
    if (c === FLAG_BAD || v === FLAG_BAD) {
      note(report.badLabels, lineOfEvent(t.lineAnchors, e));
      continue;
    }
    if (v === 1 && c === 0) {
      note(report.conversionWithoutClick, lineOfEvent(t.lineAnchors, e));
      continue;
    }
    if (kept !== e) {
      t.user[kept] = t.user[e];
      t.item[kept] = t.item[e];
      t.time[kept] = t.time[e];
      if (ctx) ctx[kept] = ctx[e];
      if (cat) cat[kept] = cat[e];
    }
    click[kept] = c;
    conversion[kept] = v;
    kept++;
  }
  const labelCols = (['click', 'nonClick', 'conversion'] as const).flatMap((r) => report.columns[r] ?? []);
  if (report.badLabels.count > 0)
    report.actions.push(
      `${report.badLabels.count} row(s) with a label that is not 0, 1, true or false` +
        (non && clk ? ' (or with nonclk + clk ≠ 1)' : '') +
        ` in ${labelCols.join(', ')} were left out: ${linesText(report.badLabels)}.`,
    );
  if (report.conversionWithoutClick.count > 0)
    report.actions.push(
      `${report.conversionWithoutClick.count} row(s) with a conversion but no click were left out: ${linesText(report.conversionWithoutClick)}.`,
    );
  if (!clk && !non) report.actions.push('The file has no click column: every row is taken as a click.');
  if (kept === 0) return { ok: false, reason: `none of the ${n} rows has labels that read (see the report's lines)` };
  const cut = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T =>
    kept === n ? a : (a.subarray(0, kept) as T);
  const itemCategory = itemCategories(t, cat ? cut(cat) : null, report);
  return {
    ok: true,
    columns: {
      userIds: t.userIds,
      itemIds: t.itemIds,
      user: cut(t.user),
      item: cut(t.item),
      time: cut(t.time),
      click: cut(click),
      conversion: cut(conversion),
      ...(ctx ? { context: cut(ctx), contextIds: t.extraIds[slots.context]! } : {}),
      ...(itemCategory ? { itemCategory, categoryIds: t.extraIds[slots.category]! } : {}),
      negatives: 'logged',
    },
  };
}

/**
 * An event log's clicks: each view or click event one clicked impression; a purchase converts the user's last
 * unconverted click on the item, or is a click and a conversion of its own when there is none before it.
 */
function fromEvents(
  t: EventTable,
  slots: Slots,
  report: ImpressionReport,
): { ok: true; clicks: Parameters<typeof withSampledNegatives>[0] } | { ok: false; reason: string } {
  const n = t.user.length;
  const types = t.extraIds[slots.eventType]!;
  const typeOf = t.extras[slots.eventType] as Int32Array;
  const cls = types.map(classifyEvent);
  const rowsOfType = new Int32Array(types.length);
  let untyped = 0;
  for (let e = 0; e < n; e++) {
    if (typeOf[e] >= 0) rowsOfType[typeOf[e]]++;
    else untyped++;
  }
  report.eventTypes = types.map((type, k) => ({ type, rows: rowsOfType[k], as: cls[k] }));
  if (untyped > 0) report.eventTypes.push({ type: '', rows: untyped, as: 'other' });
  const counted = report.eventTypes.filter((x) => x.as !== 'other' && x.rows > 0);
  if (counted.length === 0)
    return {
      ok: false,
      reason: `none of the event types is a view, click or purchase (found: ${types.slice(0, 12).join(', ') || 'none'})`,
    };
  const nUsers = t.userIds.length;
  const { order, start } = byUserInTime(t.user, t.time, nUsers);
  const ctx = slots.context >= 0 ? (t.extras[slots.context] as Int32Array) : null;
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const time = new Float64Array(n);
  const conversion = new Uint8Array(n);
  const context = ctx ? new Int32Array(n) : null;
  const last = new Int32Array(t.itemIds.length).fill(-1);
  const owner = new Int32Array(t.itemIds.length);
  let k = 0;
  let attributed = 0;
  let alone = 0;
  for (let u = 0; u < nUsers; u++)
    for (let j = start[u]; j < start[u + 1]; j++) {
      const e = order[j];
      const c = typeOf[e] >= 0 ? cls[typeOf[e]] : 'other';
      if (c === 'other') continue;
      const i = t.item[e];
      if (c === 'conversion' && owner[i] === u + 1 && last[i] >= 0) {
        conversion[last[i]] = 1;
        last[i] = -1;
        attributed++;
        continue;
      }
      user[k] = u;
      item[k] = i;
      time[k] = t.time[e];
      if (context) context[k] = ctx![e];
      if (c === 'conversion') {
        conversion[k] = 1;
        alone++;
      } else {
        last[i] = k;
        owner[i] = u + 1;
      }
      k++;
    }
  const by = (as: EventClass) =>
    report.eventTypes
      .filter((x) => x.as === as && x.rows > 0)
      .map((x) => `${x.type === '' ? '(empty)' : x.type} (${x.rows})`)
      .join(', ');
  report.actions.push(
    `Event types: ${[
      by('click') && `${by('click')} → click`,
      by('conversion') && `${by('conversion')} → conversion`,
      by('other') && `${by('other')} → left out`,
    ]
      .filter(Boolean)
      .join('; ')}.`,
  );
  if (attributed + alone > 0)
    report.actions.push(
      `${attributed} purchase(s) converted the user's last unconverted click on that item; ${alone} had no click before them and count as a click and a conversion.`,
    );
  const cat = slots.category >= 0 ? (t.extras[slots.category] as Int32Array) : null;
  const itemCategory = itemCategories(t, cat, report);
  const cut = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => a.slice(0, k) as T;
  return {
    ok: true,
    clicks: {
      userIds: t.userIds,
      itemIds: t.itemIds,
      user: cut(user),
      item: cut(item),
      time: cut(time),
      conversion: cut(conversion),
      ...(context ? { context: cut(context), contextIds: t.extraIds[slots.context]! } : {}),
      ...(itemCategory ? { itemCategory, categoryIds: t.extraIds[slots.category]! } : {}),
    },
  };
}

/** Reports click or conversion labels with one value on every kept impression (conversion: among the clicks). */
function constantLabels(log: ImpressionLog, plan: LogPlan | null, report: ImpressionReport): void {
  const n = log.user.length;
  let clicks = 0;
  let conv = 0;
  for (let e = 0; e < n; e++) {
    clicks += log.click[e];
    conv += log.conversion[e];
  }
  const cols = plan && plan.kind !== 'interactions' ? plan.columns : null;
  const clickName = report.columns.click ?? report.columns.nonClick ?? 'click';
  if (log.negatives === 'logged' && (clicks === 0 || clicks === n)) {
    const reason =
      clicks === n
        ? `every kept impression is clicked (${clickName}): no non-clicked impressions, so click AUC is undefined`
        : `no kept impression is clicked (${clickName}): no clicks, so click AUC is undefined and nothing can convert`;
    report.constantLabels.push({ column: clickName, value: clicks === n ? 1 : 0, reason });
  }
  if (clicks > 0 && (conv === 0 || conv === clicks) && (!cols || cols.conversion >= 0 || cols.eventType >= 0)) {
    const column = report.columns.conversion ?? report.columns.eventType ?? 'conversion';
    const reason =
      conv === 0
        ? `no click converts (${column}): conversion AUC is undefined`
        : `every click converts (${column}): conversion AUC is undefined`;
    report.constantLabels.push({ column, value: conv === 0 ? 0 : 1, reason });
  }
  for (const c of report.constantLabels) report.actions.push(`Constant label: ${c.reason}; the rows are kept.`);
}

/** Reads bytes already in memory (tests, small files). */
export function readImpressionBytes(bytes: Uint8Array, options?: ImpressionReadOptions): ImpressionReadResult {
  const r = new ImpressionReader(options, { sizeHint: bytes.length });
  r.push(bytes);
  return r.finish();
}

/** Reads a stream of chunks (a Node read stream, a File stream's reader as an async iterable, an array). */
export async function readImpressionChunks(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options?: ImpressionReadOptions,
  sizeHint?: number,
): Promise<ImpressionReadResult> {
  const r = new ImpressionReader(options, { sizeHint });
  for await (const c of chunks) r.push(c);
  return r.finish();
}
