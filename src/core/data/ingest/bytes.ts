/**
 * Byte-level helpers of the ingest: text decoding (UTF-8 with a Latin-1 fallback), numbers and timestamps read
 * straight from the bytes of a field, so that the hot loop never builds a string for a number.
 */

/** The part of the WHATWG TextDecoder the ingest uses (present in browsers, workers and Node; core's lib has no DOM). */
interface Decoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
type DecoderCtor = new (label: string, options?: { fatal?: boolean; ignoreBOM?: boolean }) => Decoder;
const TextDecoderCtor = (globalThis as unknown as { TextDecoder: DecoderCtor }).TextDecoder;

/** The text encodings the ingest reads: UTF-8 (BOM or not), or Latin-1 when the bytes are not valid UTF-8. */
export type Encoding = 'utf-8' | 'latin1';

const utf8Strict = new TextDecoderCtor('utf-8', { fatal: true, ignoreBOM: true });
const decoders: Record<Encoding, Decoder> = {
  'utf-8': new TextDecoderCtor('utf-8', { ignoreBOM: true }),
  // 'latin1' is windows-1252 in the WHATWG Encoding standard (0x80–0x9F are the cp1252 letters); 0xE9 is é in both.
  latin1: new TextDecoderCtor('latin1'),
};

/** Decodes bytes in the given encoding (invalid UTF-8 becomes U+FFFD; never throws). */
export function decode(bytes: Uint8Array, encoding: Encoding): string {
  return decoders[encoding].decode(bytes);
}

/** True when the bytes are valid UTF-8 (they must end on a character boundary, e.g. at a line end). */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8Strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** True when some byte is ≥ 0x80 (ASCII text needs no UTF-8 check). */
export function hasHighByte(b: Uint8Array, start: number, end: number): boolean {
  let acc = 0;
  for (let i = start; i < end; i++) acc |= b[i];
  return (acc & 0x80) !== 0;
}

/** The UTF-8 byte-order mark EF BB BF. */
export const hasBom = (b: Uint8Array): boolean => b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;

const D0 = 48;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;

/** Index of the first byte after leading ASCII white space (bytes ≤ 0x20) in [s, e). */
export function trimStart(b: Uint8Array, s: number, e: number): number {
  while (s < e && b[s] <= 32) s++;
  return s;
}

/** End (exclusive) of [s, e) without trailing ASCII white space. */
export function trimEnd(b: Uint8Array, s: number, e: number): number {
  while (e > s && b[e - 1] <= 32) e--;
  return e;
}

/**
 * A decimal number `[-+]?digits[.digits]` read from bytes [s, e) (already trimmed); NaN when the bytes are anything
 * else (the caller may then try a slower path). Correctly rounded for up to 15 digits: all of them form one integer
 * below 2^53 (exact), and one division by an exact power of ten rounds once. (Adding a separately divided fraction
 * to the integer part rounds twice: "1.86" came out as 1.8599999999999999.)
 */
export function parseDecimal(b: Uint8Array, s: number, e: number): number {
  if (s >= e) return NaN;
  let neg = false;
  let c = b[s];
  if (c === MINUS || c === PLUS) {
    neg = c === MINUS;
    if (++s >= e) return NaN;
  }
  let v = 0;
  let digits = 0;
  while (s < e) {
    c = b[s] - D0;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
    digits++;
    s++;
  }
  if (s < e) {
    if (b[s] !== DOT) return NaN;
    s++;
    let scale = 1;
    while (s < e) {
      c = b[s] - D0;
      if (c < 0 || c > 9) return NaN;
      v = v * 10 + c;
      scale *= 10;
      digits++;
      s++;
    }
    if (scale > 1) v /= scale;
  }
  // More than 15 digits may not be exact here: the caller's slow path (Number) rounds them correctly.
  if (digits === 0 || digits > 15) return NaN;
  return neg ? -v : v;
}

/** A number from bytes: the fast decimal path, else JavaScript's Number() on the ASCII text (1.2e9, Infinity is refused). */
export function parseNumber(b: Uint8Array, s: number, e: number): number {
  s = trimStart(b, s, e);
  e = trimEnd(b, s, e);
  const v = parseDecimal(b, s, e);
  if (v === v || s >= e) return v;
  const x = Number(asciiText(b, s, e));
  return Number.isFinite(x) ? x : NaN;
}

/** The bytes [s, e) as a string of char codes (only meaningful for ASCII). */
function asciiText(b: Uint8Array, s: number, e: number): string {
  let t = '';
  for (let i = s; i < e && i < s + 64; i++) t += String.fromCharCode(b[i]);
  return t;
}

/**
 * Unix milliseconds are told from seconds by magnitude: |t| ≥ 1e11 is read as milliseconds (1e11 s is the year 5138;
 * 1e11 ms is March 1973), so seconds of any plausible date and milliseconds after 1973 are both read right.
 */
export const MS_THRESHOLD = 1e11;

/**
 * A timestamp from bytes [s, e), in unix seconds: a decimal (seconds, or milliseconds by magnitude, see
 * MS_THRESHOLD) or an ISO-8601 date `YYYY-MM-DD` with an optional time `[T ]hh:mm[:ss[.fff]]` and an optional offset
 * `Z`, `±hh`, `±hh:mm` or `±hhmm` (no offset: UTC). NaN when it is none of these.
 */
export function parseTime(b: Uint8Array, s: number, e: number): number {
  s = trimStart(b, s, e);
  e = trimEnd(b, s, e);
  const v = parseDecimal(b, s, e);
  if (v === v) return Math.abs(v) >= MS_THRESHOLD ? v / 1000 : v;
  if (e - s >= 10 && b[s + 4] === MINUS) return parseIsoDate(b, s, e);
  if (s >= e) return NaN;
  const x = Number(asciiText(b, s, e));
  if (!Number.isFinite(x) || e - s > 40) return NaN;
  return Math.abs(x) >= MS_THRESHOLD ? x / 1000 : x;
}

/** `n` digits at b[i..] as an integer, or −1 when one is not a digit. */
function digitsAt(b: Uint8Array, i: number, n: number, e: number): number {
  if (i + n > e) return -1;
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = b[i + k] - D0;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** ISO-8601 date (and time, offset) at bytes [s, e) → unix seconds; NaN when malformed or out of range. */
function parseIsoDate(b: Uint8Array, s: number, e: number): number {
  const y = digitsAt(b, s, 4, e);
  const mo = digitsAt(b, s + 5, 2, e);
  const d = digitsAt(b, s + 8, 2, e);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > DAYS_IN_MONTH[mo - 1] || b[s + 7] !== MINUS) return NaN;
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return NaN;
  let t = daysFromCivil(y, mo, d) * 86400;
  let i = s + 10;
  if (i === e) return t;
  const sep = b[i];
  if (sep !== 84 && sep !== 116 && sep !== 32) return NaN; // 'T', 't' or ' '
  const hh = digitsAt(b, i + 1, 2, e);
  const mm = digitsAt(b, i + 4, 2, e);
  if (hh < 0 || hh > 24 || mm < 0 || mm > 59 || b[i + 3] !== 58) return NaN;
  t += hh * 3600 + mm * 60;
  i += 6;
  if (i < e && b[i] === 58) {
    const ss = digitsAt(b, i + 1, 2, e);
    if (ss < 0 || ss > 60) return NaN;
    t += ss;
    i += 3;
    if (i < e && (b[i] === DOT || b[i] === 44)) {
      i++;
      let f = 0;
      let scale = 1;
      while (i < e && b[i] >= D0 && b[i] <= D0 + 9) {
        if (scale < 1e9) {
          f = f * 10 + b[i] - D0;
          scale *= 10;
        }
        i++;
      }
      if (scale === 1) return NaN;
      t += f / scale;
    }
  }
  if (i === e) return t;
  const z = b[i];
  if ((z === 90 || z === 122) && i + 1 === e) return t; // 'Z' or 'z'
  if (z !== PLUS && z !== MINUS) return NaN;
  const oh = digitsAt(b, i + 1, 2, e);
  if (oh < 0 || oh > 23) return NaN;
  let om = 0;
  const rest = e - (i + 3);
  if (rest === 3 && b[i + 3] === 58) om = digitsAt(b, i + 4, 2, e);
  else if (rest === 2) om = digitsAt(b, i + 3, 2, e);
  else if (rest !== 0) return NaN;
  if (om < 0 || om > 59) return NaN;
  // Local time = UTC + offset, so UTC = local − offset.
  const off = (oh * 3600 + om * 60) * (z === PLUS ? 1 : -1);
  return t - off;
}

/** FNV-1a over bytes [s, e), 32 bits. */
export function hashBytes(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h;
}
