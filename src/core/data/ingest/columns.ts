/**
 * Column roles of an interaction file and the header names that give them away: the Amazon Personalize / rime
 * names (USER_ID, ITEM_ID, TIMESTAMP, EVENT_TYPE, EVENT_VALUE) and common aliases, matched case-insensitively.
 */

/** Column index of each role; −1 = the file has no such column (only value and eventType may be absent). */
export interface Columns {
  user: number;
  item: number;
  /** A rating or EVENT_VALUE, kept as the Dataset's `value`. */
  value: number;
  /** Unix seconds, unix milliseconds or ISO-8601 dates (see bytes.ts parseTime). */
  time: number;
  /** EVENT_TYPE (click, purchase, …): recognised so it is not mistaken for another role; not stored. */
  eventType?: number;
}

export type Role = keyof Columns;

/** Header names per role, normalised (lower case, no spaces, dashes or underscores). */
const ALIASES: Record<Role, string[]> = {
  user: ['userid', 'user', 'uid', 'customerid', 'customer', 'visitorid', 'reviewerid', 'memberid', 'sessionid'],
  item: [
    'itemid',
    'item',
    'movieid',
    'movie',
    'iid',
    'productid',
    'product',
    'asin',
    'sku',
    'trackid',
    'songid',
    'articleid',
    'bookid',
    'isbn',
  ],
  value: ['eventvalue', 'rating', 'value', 'score', 'stars', 'weight'],
  time: [
    'timestamp',
    'time',
    'date',
    'datetime',
    'ts',
    'eventtime',
    'unixtime',
    'timestamps',
    'createdat',
    'time_s',
    'timestamp_s',
  ].map(norm),
  eventType: ['eventtype', 'type', 'action', 'event', 'behavior', 'behaviour'],
};

/** Normalises a header name: lower case, without spaces, dashes and underscores ("User_ID" → "userid"). */
export function norm(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
}

/** The role a header name stands for, or null. */
export function roleOfName(name: string): Role | null {
  const n = norm(name);
  for (const r of Object.keys(ALIASES) as Role[]) if (ALIASES[r].includes(n)) return r;
  return null;
}

/** Roles read from header names (the first column with each role wins); null for a role no name gave. */
export function columnsFromNames(names: string[]): { [R in Role]: number | null } {
  const c: { [R in Role]: number | null } = { user: null, item: null, value: null, time: null, eventType: null };
  names.forEach((name, j) => {
    const r = roleOfName(name);
    if (r && c[r] === null) c[r] = j;
  });
  return c;
}

/**
 * Roles by position, as MovieLens ratings.dat / u.data and rime's exports lay them out: user, item, rating, time with
 * four or more columns; user, item, time with three.
 */
export function positionalColumns(nFields: number): Columns {
  return nFields >= 4
    ? { user: 0, item: 1, value: 2, time: 3 }
    : { user: 0, item: 1, value: -1, time: Math.min(2, nFields - 1) };
}

/**
 * The roles of a file: from the header names when they name user, item and time; otherwise names where given and
 * positions for the rest (`named` says whether the names covered all three).
 */
export function detectColumns(header: string[] | null, nFields: number): { columns: Columns; named: boolean } {
  const pos = positionalColumns(nFields);
  if (!header) return { columns: pos, named: false };
  const n = columnsFromNames(header);
  const named = n.user !== null && n.item !== null && n.time !== null;
  if (named)
    return {
      columns: {
        user: n.user!,
        item: n.item!,
        value: n.value ?? -1,
        time: n.time!,
        ...(n.eventType !== null ? { eventType: n.eventType } : {}),
      },
      named,
    };
  // Fill the roles no name gave from positions not taken by a named role.
  const taken = new Set([n.user, n.item, n.value, n.time, n.eventType].filter((j): j is number => j !== null));
  const free = Array.from({ length: nFields }, (_, j) => j).filter((j) => !taken.has(j));
  const pick = (r: 'user' | 'item' | 'time') => n[r] ?? (free.includes(pos[r]) ? pos[r] : (free.shift() ?? -1));
  const user = pick('user');
  free.splice(free.indexOf(user), free.includes(user) ? 1 : 0);
  const item = pick('item');
  free.splice(free.indexOf(item), free.includes(item) ? 1 : 0);
  const time = pick('time');
  const value =
    n.value ?? (pos.value >= 0 && ![user, item, time].includes(pos.value) && pos.value < nFields ? pos.value : -1);
  return { columns: { user, item, value, time, ...(n.eventType !== null ? { eventType: n.eventType } : {}) }, named };
}

/** Columns a record must have for the stored roles (user, item, time, value) to be read: one past the highest. */
export function fieldsNeeded(c: Columns): number {
  return Math.max(c.user, c.item, c.time, c.value) + 1;
}
