/**
 * The data worker's item metadata (titles, tags): kept across data loads and joined to the data on the item id
 * string, saved for the next visit in the background (a failed save only costs the titles after a reload).
 */
import { parseItemMeta } from '../src/core/data/ingest';
import type { MetaLookup } from '../src/core/data/summary';
import { err, ok, type Result } from '../src/core/util/result';
import type { WorkspaceStore } from './workspace';

export type MetaKeep = Pick<WorkspaceStore, 'saveItemMeta' | 'loadItemMeta'>;

export function itemMetaHolder() {
  let meta: MetaLookup | null = null;
  let keep: MetaKeep | null = null;
  return {
    /** Where metadata is kept between visits (IndexedDB in the worker; absent in plain Node tests). */
    configure(k: MetaKeep | null): void {
      keep = k;
    },
    /** The metadata held, or null before any. */
    lookup: (): MetaLookup | null => meta,
    /** Reads an item metadata file (id, title, tags); a refused file keeps the old metadata. */
    async load(file: Blob, name: string): Promise<Result<null, 'bad-file'>> {
      const r = parseItemMeta(new Uint8Array(await file.arrayBuffer()));
      if (!r.ok) return err('bad-file', `${name}: ${r.reason}; previous metadata kept`);
      meta = r.meta;
      keep?.saveItemMeta([...r.meta].map(([id, m]) => [id, m.title, m.tags])).catch(() => {});
      return ok(null);
    },
    /** Reads the metadata saved on an earlier visit (when none is held yet); true when some was restored. */
    async restore(): Promise<boolean> {
      if (meta || !keep) return false;
      const rows = await keep.loadItemMeta().catch(() => undefined);
      if (!rows || meta) return false;
      meta = new Map(rows.map(([id, title, tags]) => [id, { title, tags }]));
      return true;
    },
    /** Titles of the given item ids ('' where unknown or without metadata). */
    titles(ids: string[]): string[] {
      return ids.map((id) => meta?.get(id)?.title ?? '');
    },
  };
}
