/**
 * Which kind of log a file is, from its header (or, headerless, its shape), and the columns of each role: an
 * impression log (user, item, time and click / conversion labels, the Taobao ad-display shape with nonclk / clk),
 * an event log (an event-type column: Amazon Personalize's EVENT_TYPE, Taobao user-behaviour's pv / cart / fav / buy),
 * or a plain interaction log (anything else: read as today, every row a click).
 */
import { norm, roleOfName, type Columns } from '../data/ingest/columns';

/** The roles an impression or event log adds to an interaction log's (column indices; −1 = absent). */
export interface ImpressionColumns {
  user: number;
  item: number;
  time: number;
  click: number;
  /** Taobao's nonclk: 1 − click (checked against clk when both are present). */
  nonClick: number;
  conversion: number;
  eventType: number;
  context: number;
  category: number;
}

export type LogKind = 'impressions' | 'events' | 'interactions';

export type LogPlan =
  | { kind: 'impressions' | 'events'; columns: ImpressionColumns; names: string[] }
  | { kind: 'interactions'; why: string };

/** Header names per role, normalised like the interaction reader's (lower case, no spaces, dashes, underscores). */
const ALIASES = {
  click: ['click', 'clk', 'isclick', 'clicked', 'clicks'],
  nonClick: ['nonclk', 'nonclick', 'noclick'],
  conversion: ['conversion', 'conv', 'isconversion', 'converted', 'purchase', 'purchased', 'buy', 'isbuy', 'order'],
  context: ['pid', 'scenario', 'context', 'scene', 'page', 'pageid', 'channel'],
  category: ['category', 'categoryid', 'cateid', 'cate', 'catid', 'itemcategory'],
  eventType: ['eventtype', 'type', 'action', 'event', 'behavior', 'behaviour', 'behaviortype', 'btag'],
  /** Item columns of ad and travel logs beyond the interaction reader's names. */
  item: ['adgroupid', 'adid', 'creativeid', 'hotelid', 'offerid'],
};

/** Taobao user-behaviour's behaviour values (UserBehavior.csv has no header: user, item, category, behaviour, time). */
const TAOBAO_BEHAVIOURS = new Set(['pv', 'buy', 'cart', 'fav']);

/**
 * The plan for a file: from the header names when they name user, item, time and a label or event-type column;
 * headerless, the Taobao user-behaviour shape (five fields, the fourth pv / buy / cart / fav); else 'interactions'.
 */
export function planLog(header: string[] | null, rows: string[][]): LogPlan {
  if (!header) {
    if (rows.length > 0 && rows.every((r) => r.length === 5 && TAOBAO_BEHAVIOURS.has(r[3].trim().toLowerCase())))
      return {
        kind: 'events',
        columns: { ...NONE, user: 0, item: 1, category: 2, eventType: 3, time: 4 },
        names: ['user_id', 'item_id', 'category_id', 'behavior_type', 'timestamp'],
      };
    return { kind: 'interactions', why: 'no header names a click, conversion or event-type column' };
  }
  const names = header.map(norm);
  const taken = new Set<number>();
  const find = (test: (n: string, j: number) => boolean) => {
    const j = names.findIndex((n, k) => !taken.has(k) && test(n, k));
    if (j >= 0) taken.add(j);
    return j;
  };
  const byRole = (r: keyof Columns) => find((_, k) => roleOfName(header[k]) === r);
  const among = (list: string[]) => find((n) => list.includes(n));
  const c: ImpressionColumns = { ...NONE };
  c.click = among(ALIASES.click);
  c.nonClick = among(ALIASES.nonClick);
  c.conversion = among(ALIASES.conversion);
  c.eventType = c.click < 0 && c.nonClick < 0 && c.conversion < 0 ? among(ALIASES.eventType) : -1;
  const labelled = c.click >= 0 || c.nonClick >= 0 || c.conversion >= 0;
  if (!labelled && c.eventType < 0)
    return { kind: 'interactions', why: 'no header names a click, conversion or event-type column' };
  c.user = byRole('user');
  c.item = byRole('item');
  if (c.item < 0) c.item = among(ALIASES.item);
  c.time = byRole('time');
  c.context = among(ALIASES.context);
  c.category = among(ALIASES.category);
  const missing = (['user', 'item', 'time'] as const).filter((r) => c[r] < 0);
  if (missing.length > 0)
    return {
      kind: 'interactions',
      why: `the header has ${labelled ? 'label' : 'event-type'} columns but names no ${missing.join(', ')} column`,
    };
  return { kind: labelled ? 'impressions' : 'events', columns: c, names: header };
}

const NONE: ImpressionColumns = {
  user: -1,
  item: -1,
  time: -1,
  click: -1,
  nonClick: -1,
  conversion: -1,
  eventType: -1,
  context: -1,
  category: -1,
};

/** How an event type counts: a click (views too), a conversion (purchases), or left out (cart, fav, …). */
export type EventClass = 'click' | 'conversion' | 'other';

const CLICKS = new Set([
  'click',
  'clicks',
  'clk',
  'view',
  'views',
  'pv',
  'pageview',
  'detail',
  'detailview',
  'detailpageview',
  'watch',
  'play',
  'visit',
  'impressionclick',
]);
const CONVERSIONS = new Set([
  'purchase',
  'purchased',
  'buy',
  'order',
  'checkout',
  'transaction',
  'conversion',
  'booking',
  'book',
  'pay',
  'payment',
]);

export function classifyEvent(type: string): EventClass {
  const t = norm(type);
  return CLICKS.has(t) ? 'click' : CONVERSIONS.has(t) ? 'conversion' : 'other';
}
