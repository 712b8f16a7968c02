/**
 * Trained sequence models kept in IndexedDB between runs, with their config and a fingerprint of the data and split,
 * and reloaded instead of retrained. The key is core/pipeline/fingerprint's
 * `NAME:HASH` of data, training ends, split config, resolved model config and seed; the value is the serialised
 * weights (Float32Arrays, stored by structured clone, no JSON) with the config and the fit's metadata.
 *
 * The run worker plugs it into the registry: `defaultRegistry({ modelCache: createModelCache() })`. Works wherever
 * IndexedDB exists: a page, a worker, and Node tests with fake-indexeddb.
 */
import { clear, createStore, del, entries, get, set, type UseStore } from 'idb-keyval';
import type { CachedSeqModel, SeqModelCache } from '../src/core/pipeline/sequenceModels';

/** A cache entry as listed for the UI: what it is, how big, when stored. */
export interface CachedModelInfo {
  key: string;
  /** `RNN` or `Transformer`. */
  model: string;
  kind: string;
  /** Bytes of stored weights. */
  bytes: number;
  epochs: number | undefined;
  savedAt: number;
}

export interface ModelCache extends SeqModelCache {
  list(): Promise<CachedModelInfo[]>;
  delete(key: string): Promise<void>;
  clear(): Promise<void>;
}

export const MODEL_DB = 'rimw-models';
export const MODEL_STORE = 'seq';

/** A value read back is used only if it has the shape this build writes (an older build's entry reads as a miss). */
function isEntry(v: unknown): v is CachedSeqModel {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Partial<CachedSeqModel>;
  return (
    typeof e.savedAt === 'number' &&
    typeof e.meta === 'object' &&
    e.meta !== null &&
    typeof e.model === 'object' &&
    e.model !== null &&
    e.model.format === 'rimw-seq-1' &&
    Array.isArray(e.model.weights) &&
    e.model.weights.every((w) => w.data instanceof Float32Array)
  );
}

/** Opens (lazily, on first use) the model store in database `dbName`. */
export function createModelCache(dbName = MODEL_DB, storeName = MODEL_STORE): ModelCache {
  let store: UseStore | null = null;
  // createStore opens the database at once; deferring it keeps a host without IndexedDB working until first use.
  const db = () => (store ??= createStore(dbName, storeName));
  return {
    async get(key) {
      const v = await get<unknown>(key, db());
      return isEntry(v) ? v : undefined;
    },
    async put(key, entry) {
      await set(key, entry, db());
    },
    async list() {
      const all = await entries<string, unknown>(db());
      return all
        .filter((kv): kv is [string, CachedSeqModel] => isEntry(kv[1]))
        .map(([key, e]) => ({
          key,
          model: key.split(':')[0],
          kind: e.model.config.kind,
          bytes: e.model.weights.reduce((a, w) => a + w.data.byteLength, 0),
          epochs: typeof e.meta.epochs === 'number' ? e.meta.epochs : undefined,
          savedAt: e.savedAt,
        }));
    },
    async delete(key) {
      await del(key, db());
    },
    async clear() {
      await clear(db());
    },
  };
}
