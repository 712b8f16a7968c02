/**
 * The workspace kept in IndexedDB between visits (a reload restores it; "start over" clears it): the dataset the run
 * worker holds, and the last completed run (config, rime results, each model's kept dense scores, so the planner is
 * live again without retraining). Typed arrays are stored by structured clone, never as JSON.
 * Trained sequence-model weights live in workers/modelCache.ts; start over clears both. The click-and-conversion
 * worker keeps its impression log and last run here too, under keys of its own.
 *
 * Works wherever IndexedDB exists: the run and ctr workers, and Node tests with fake-indexeddb.
 */
import { clear, createStore, delMany, get, keys, set, type UseStore } from 'idb-keyval';
import { isScoresKey, readKept, SCORE_CHUNK, scoresPrefix, writeKept } from './scoreChunks';
import type { Dataset } from '../src/core/data/types';
import type { RunConfig } from '../src/core/pipeline/config';
import type { ExperimentResult } from '../src/core/pipeline/run';
import type { KeptScores } from '../src/core/pipeline/keep';
import type { ImpressionLog } from '../src/core/ctr/types';
import type { CtrResult } from '../src/core/ctr/run';
import type { Csr } from '../src/core/data/types';
import type { CtrData } from './ctrData';

export interface SavedData {
  source: string;
  dataset: Dataset;
  savedAt: number;
}

export interface SavedRun {
  /** The data source the run was computed on (must match the saved dataset's to be restored). */
  source: string;
  config: RunConfig;
  result: ExperimentResult;
  kept: [string, KeptScores][];
  savedAt: number;
}

/** The impression log the click-and-conversion worker holds, with the summary the page shows of it. */
export interface SavedCtrData {
  log: ImpressionLog;
  shown: CtrData;
  savedAt: number;
}

/** The last completed click-and-conversion run: shown again only where its fingerprint (core/ctr/fingerprint.ts)
 * matches the log held and the run config asked for. */
export interface SavedCtrRun {
  fingerprint: string;
  result: CtrResult;
  /** The run's conversion scores for the planner (null: it had no conversion model). */
  planner: CtrPlannerScores | null;
  savedAt: number;
}

/** A click-and-conversion run's planner input as kept: each conversion model's scores, the targets, the item ids. */
export interface CtrPlannerScores {
  /** Model name → test users × items, row-major. */
  models: [string, Float32Array][];
  target: Csr;
  itemIds: string[];
}

/** Item metadata as stored: [id, title, tags] per item (the data worker's map is rebuilt from it). */
export type SavedItemMeta = [string, string, string][];

/** One fitted part's loss curve (training loss per reported batch, validation loss per epoch; x in epochs). */
export interface SavedLossCurve {
  x: number[];
  loss: number[];
  validX: number[];
  valid: number[];
}

/** The loss curves the page drew for the last run, and the data source they were trained on. */
export interface SavedLossCurves {
  source: string;
  curves: [string, SavedLossCurve][];
}

export interface WorkspaceStore {
  saveData(d: SavedData): Promise<void>;
  loadData(): Promise<SavedData | undefined>;
  /**
   * Saves a run; `data`, the dataset it was computed on, is written too when the saved dataset is not that one (another
   * tab saved its own since), so that the saved data and run always belong together. `onLocked`: called once the
   * save holds the write lock (a reader that waits for the lock then reads this run whole).
   */
  saveRun(r: SavedRun, data?: SavedData, onLocked?: () => void): Promise<void>;
  loadRun(): Promise<SavedRun | undefined>;
  /** Item titles and tags (the data worker's; they are kept across data loads, so across reloads too). */
  saveItemMeta(rows: SavedItemMeta): Promise<void>;
  loadItemMeta(): Promise<SavedItemMeta | undefined>;
  /** The last run's loss curves (the page's; a few thousand numbers). */
  saveLossCurves(c: SavedLossCurves): Promise<void>;
  loadLossCurves(): Promise<SavedLossCurves | undefined>;
  /** The click-and-conversion track's log and last run (its own keys: the interaction track's saves leave them be). */
  saveCtrData(d: SavedCtrData): Promise<void>;
  loadCtrData(): Promise<SavedCtrData | undefined>;
  saveCtrRun(r: SavedCtrRun): Promise<void>;
  loadCtrRun(): Promise<SavedCtrRun | undefined>;
  clear(): Promise<void>;
}

export const WORKSPACE_DB = 'rimw-workspace';
export const WORKSPACE_STORE = 'workspace';

/**
 * The saved dataset's source name, or null: a small read the page makes at start (no worker needed) to decide
 * between restoring and generating the synthetic world. Any failure (no IndexedDB, private mode) reads as null.
 */
export async function savedWorkspaceSource(dbName = WORKSPACE_DB, storeName = WORKSPACE_STORE): Promise<string | null> {
  try {
    const v = await get<unknown>('meta', createStore(dbName, storeName));
    return isObj(v) && typeof v.source === 'string' ? v.source : null;
  } catch {
    return null;
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Only values of the shape this build writes are handed back (an older build's entry reads as nothing saved). */
function isData(v: unknown): v is SavedData {
  if (!isObj(v) || typeof v.source !== 'string' || !isObj(v.dataset)) return false;
  return hasLogColumns(v.dataset) && v.dataset.itemCounts instanceof Int32Array;
}

/** The columns an interaction dataset and an impression log share (rows sorted by user, CSR offsets, ids). */
const hasLogColumns = (d: Record<string, unknown>): boolean =>
  d.user instanceof Int32Array &&
  d.item instanceof Int32Array &&
  d.time instanceof Float64Array &&
  d.userOffsets instanceof Int32Array &&
  Array.isArray(d.userIds) &&
  Array.isArray(d.itemIds) &&
  typeof d.nUsers === 'number' &&
  typeof d.nItems === 'number';

/** The run record as stored: the scores live in one record per model (see saveRun), named here. */
type StoredRun = Omit<SavedRun, 'kept'> & { kept: string[] };

function isStoredRun(v: unknown): v is StoredRun {
  if (
    !isObj(v) ||
    typeof v.source !== 'string' ||
    !isObj(v.config) ||
    !isObj(v.result) ||
    typeof v.savedAt !== 'number' ||
    !Array.isArray(v.kept)
  )
    return false;
  return v.kept.every((e: unknown) => typeof e === 'string');
}

const isItemMeta = (v: unknown): v is SavedItemMeta =>
  Array.isArray(v) &&
  v.every((r: unknown) => Array.isArray(r) && r.length === 3 && r.every((f: unknown) => typeof f === 'string'));

const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
const isLossCurves = (v: unknown): v is SavedLossCurves =>
  isObj(v) &&
  typeof v.source === 'string' &&
  Array.isArray(v.curves) &&
  v.curves.every(
    (e: unknown) =>
      Array.isArray(e) &&
      typeof e[0] === 'string' &&
      isObj(e[1]) &&
      isNumbers(e[1].x) &&
      isNumbers(e[1].loss) &&
      isNumbers(e[1].validX) &&
      isNumbers(e[1].valid),
  );

function isCtrData(v: unknown): v is SavedCtrData {
  if (!isObj(v) || typeof v.savedAt !== 'number' || !isObj(v.shown) || !isObj(v.log)) return false;
  const l = v.log;
  return (
    hasLogColumns(l) &&
    l.click instanceof Uint8Array &&
    l.conversion instanceof Uint8Array &&
    typeof v.shown.source === 'string'
  );
}

const isCtrRun = (v: unknown): v is SavedCtrRun =>
  isObj(v) &&
  typeof v.fingerprint === 'string' &&
  typeof v.savedAt === 'number' &&
  isObj(v.result) &&
  (v.planner === null ||
    (isObj(v.planner) &&
      Array.isArray(v.planner.models) &&
      v.planner.models.every((m: unknown) => Array.isArray(m) && m[1] instanceof Float32Array)));

/**
 * One model's kept scores of the saved run `savedAt`, read alone (the planner worker reads validation scores back
 * for its online mode); undefined when that run's record is gone (a newer run, start over) or unreadable.
 */
export function loadKeptScores(
  savedAt: number,
  model: string,
  dbName = WORKSPACE_DB,
  storeName = WORKSPACE_STORE,
): Promise<KeptScores | undefined> {
  return readKept(savedAt, model, createStore(dbName, storeName));
}

/** One model's validation scores of the saved run `savedAt` alone (its test scores are not read); null if none. */
export async function loadValidScores(
  savedAt: number,
  model: string,
  dbName = WORKSPACE_DB,
  storeName = WORKSPACE_STORE,
): Promise<Float32Array | null> {
  // After any save under way (the run's save may still be writing them when the planner first asks).
  const k = await afterWrites(dbName, () => readKept(savedAt, model, createStore(dbName, storeName), ['valid']));
  return k?.valid ?? null;
}

/**
 * Runs `write` alone among the writers of database `dbName` in every tab of this origin (the Web Locks API, in
 * windows and workers), so that two tabs' saves never interleave (one's stale-score cleanup deleting the other's
 * scores). Where the API is missing (Node tests) writes are ordered within this process.
 */
function exclusive<T>(dbName: string, write: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: Locks } }).navigator?.locks;
  if (locks) return locks.request(`${dbName}:write`, write);
  const prev = localQueues.get(dbName) ?? Promise.resolve();
  const next = prev.then(write, write);
  localQueues.set(
    dbName,
    next.then(
      () => undefined,
      () => undefined,
    ),
  );
  return next;
}
const localQueues = new Map<string, Promise<unknown>>();

/** Runs `read` once no writer of database `dbName` holds the write lock (writers queued before it go first). */
function afterWrites<T>(dbName: string, read: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: Locks } }).navigator?.locks;
  if (locks) return locks.request(`${dbName}:write`, { mode: 'shared' }, read);
  return (localQueues.get(dbName) ?? Promise.resolve()).then(read);
}

/** The part of the Web Locks API used here (not in every TypeScript lib this file is compiled with). */
interface Locks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
  request<T>(name: string, options: { mode: 'shared' | 'exclusive' }, callback: () => Promise<T>): Promise<T>;
}

/** Opens (lazily, on first use) the workspace store in database `dbName`; `chunk`: scores per chunk record. */
export function createWorkspaceStore(
  dbName = WORKSPACE_DB,
  storeName = WORKSPACE_STORE,
  chunk = SCORE_CHUNK,
): WorkspaceStore {
  let store: UseStore | null = null;
  const db = () => (store ??= createStore(dbName, storeName));
  const writeData = async (d: SavedData) => {
    await set('data', d, db());
    await set('meta', { source: d.source, savedAt: d.savedAt }, db());
  };
  return {
    saveData: (d) => exclusive(dbName, () => writeData(d)),
    async loadData() {
      const v = await get<unknown>('data', db());
      return isData(v) ? v : undefined;
    },
    // Each model's scores in chunk records (scoreChunks.ts), written one after another, then the run that names the
    // models: a single record would be cloned whole at once (every model's scores held again for the moment of the
    // save). Scores of older runs are deleted after the new run is in place.
    saveRun: (r, data, onLocked) =>
      exclusive(dbName, async () => {
        // User Timing marks (also in the run worker's trace): when the save holds the lock and when it is done.
        performance.mark('run:save-start');
        onLocked?.();
        if (data) {
          const meta = await get<unknown>('meta', db());
          if (!isObj(meta) || meta.savedAt !== data.savedAt || meta.source !== data.source) await writeData(data);
        }
        for (const [model, k] of r.kept) await writeKept(r.savedAt, model, k, chunk, db());
        await set('run', { ...r, kept: r.kept.map(([model]) => model) } satisfies StoredRun, db());
        const mine = scoresPrefix(r.savedAt);
        const stale = (await keys(db())).filter((k) => isScoresKey(k) && !k.startsWith(mine));
        if (stale.length > 0) await delMany(stale, db());
        performance.mark('run:save-end');
      }),
    async loadRun() {
      const v = await get<unknown>('run', db());
      if (!isStoredRun(v)) return undefined;
      const kept: [string, KeptScores][] = [];
      for (const model of v.kept) {
        const k = await readKept(v.savedAt, model, db());
        if (!k) return undefined;
        kept.push([model, k]);
      }
      return { ...v, kept };
    },
    saveItemMeta: (rows) => set('itemMeta', rows, db()),
    async loadItemMeta() {
      const v = await get<unknown>('itemMeta', db());
      return isItemMeta(v) ? v : undefined;
    },
    saveLossCurves: (c) => set('lossCurves', c, db()),
    async loadLossCurves() {
      const v = await get<unknown>('lossCurves', db());
      return isLossCurves(v) ? v : undefined;
    },
    saveCtrData: (d) => exclusive(dbName, () => set('ctr:data', d, db())),
    async loadCtrData() {
      const v = await get<unknown>('ctr:data', db());
      return isCtrData(v) ? v : undefined;
    },
    saveCtrRun: (r) => exclusive(dbName, () => set('ctr:run', r, db())),
    async loadCtrRun() {
      const v = await get<unknown>('ctr:run', db());
      return isCtrRun(v) ? v : undefined;
    },
    clear: () => exclusive(dbName, () => clear(db())),
  };
}
