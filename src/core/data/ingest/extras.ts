/**
 * Columns an Ingest can read per event beyond the Dataset's roles, for readers built on it (the click-and-conversion
 * track's impression reader: labels, contexts, event types). They never skip a row: a flag that is not 0/1/true/false
 * is stored as FLAG_BAD and an empty text field as −1, for the caller to report with the row's line (lineOfEvent).
 */

export interface ExtraColumn {
  /** Column index in the file. */
  column: number;
  /** 'flag': 0, 1, true or false (any case, trimmed) → 0 or 1; 'text': a dictionary-encoded string (like the ids). */
  kind: 'flag' | 'text';
}

/** A flag field that is not 0, 1, true or false (empty included). */
export const FLAG_BAD = 255;

/** One array per extra column, in file order: Uint8Array for flags, Int32Array (dictionary index, −1 empty) for text. */
export type ExtraValues = Uint8Array | Int32Array;

/** The flag in bytes [s, e): 0, 1 or FLAG_BAD. */
export function parseFlag(b: Uint8Array, s: number, e: number): number {
  while (s < e && b[s] <= 32) s++;
  while (e > s && b[e - 1] <= 32) e--;
  const len = e - s;
  if (len === 1) return b[s] === 48 ? 0 : b[s] === 49 ? 1 : FLAG_BAD;
  // ASCII letters | 0x20 is their lower case.
  const word = (w: string) => {
    for (let k = 0; k < w.length; k++) if ((b[s + k] | 0x20) !== w.charCodeAt(k)) return false;
    return true;
  };
  if (len === 4 && word('true')) return 1;
  if (len === 5 && word('false')) return 0;
  return FLAG_BAD;
}

/**
 * The physical line of event e from the Ingest's anchors: pairs (event, line) where the line numbering of events
 * restarts (a skipped row, a blank line, a quoted line break, a header); event e is on line L + (e − E) for the last
 * pair (E, L) with E ≤ e.
 */
export function lineOfEvent(anchors: Int32Array, e: number): number {
  let lo = 0;
  let hi = anchors.length / 2;
  // The last pair with event ≤ e (pairs are in event order; a later pair of the same event wins).
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (anchors[2 * m] <= e) lo = m + 1;
    else hi = m;
  }
  if (lo === 0) return NaN;
  return anchors[2 * (lo - 1) + 1] + (e - anchors[2 * (lo - 1)]);
}
