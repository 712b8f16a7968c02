/**
 * Item metadata files (MovieLens movies.csv `movieId,title,genres`, movies.dat `id::title::genres` in Latin-1, or any
 * table with an item id and a title column), read with the same record splitter and decoding as the events.
 */
import { decode, hasBom, isUtf8, type Encoding } from './bytes';
import { roleOfName } from './columns';
import { RecordScanner } from './records';
import { fieldText, sniffBytes } from './sniff';

/** Title and tags (genres) per item id string. */
export type ItemMetaMap = Map<string, { title: string; tags: string }>;

const TITLE = ['title', 'name', 'itemname', 'movietitle', 'producttitle'];
const TAGS = ['genres', 'genre', 'tags', 'category', 'categories'];

/**
 * Reads item metadata. With a header: the item id column (any item alias), a title column and optionally a tags
 * column. Without one (movies.dat): id, title, tags by position.
 */
export function parseItemMeta(
  bytes: Uint8Array,
): { ok: true; meta: ItemMetaMap; encoding: Encoding } | { ok: false; reason: string } {
  const s = sniffBytes(bytes, true);
  if (s.binary) return { ok: false, reason: 'binary data (NUL bytes): not a text file' };
  const start = hasBom(bytes) ? 3 : 0;
  const encoding: Encoding = isUtf8(bytes.subarray(start)) ? 'utf-8' : 'latin1';
  const sc = new RecordScanner(s.delimiter);
  const scratch = new Uint8Array(bytes.length);
  let pos = start;
  let idCol = 0;
  let titleCol = 1;
  let tagCol = 2;
  let first = true;
  const meta: ItemMetaMap = new Map();
  while (pos < bytes.length) {
    const next = sc.next(bytes, pos, bytes.length, true);
    pos = next;
    if (sc.nFields === 1 && decode(bytes.subarray(sc.fieldStart[0], sc.fieldEnd[0]), 'latin1').trim() === '') continue;
    const f = (k: number) => (k >= 0 && k < sc.nFields ? fieldText(bytes, sc, k, scratch, encoding).trim() : '');
    if (first) {
      first = false;
      const names = Array.from({ length: sc.nFields }, (_, k) => f(k));
      const low = names.map((n) => n.toLowerCase().replace(/[\s_-]+/g, ''));
      const id = names.findIndex((n) => roleOfName(n) === 'item');
      const title = low.findIndex((n) => TITLE.includes(n));
      if (id >= 0 || title >= 0) {
        if (id < 0 || title < 0)
          return {
            ok: false,
            reason: `the header needs an item id column (movieId, itemId, item_id, ITEM_ID, …) and a title column; found ${JSON.stringify(names.slice(0, 6))}`,
          };
        idCol = id;
        titleCol = title;
        tagCol = low.findIndex((n) => TAGS.includes(n));
        continue;
      }
      if (s.header !== null)
        return {
          ok: false,
          reason: `the header needs an item id column (movieId, itemId, item_id, ITEM_ID, …) and a title column; found ${JSON.stringify(names.slice(0, 6))}`,
        };
    }
    const id = f(idCol);
    if (id === '' || sc.nFields <= titleCol) continue;
    meta.set(id, { title: f(titleCol), tags: f(tagCol) });
  }
  return meta.size > 0 ? { ok: true, meta, encoding } : { ok: false, reason: 'no item rows' };
}
