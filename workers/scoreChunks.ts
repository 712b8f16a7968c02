/**
 * The records of a saved run's kept scores in the workspace database (workspace.ts): per model a small head record
 * (λ(x), hasP and the lengths of its matrices) under `scores:SAVEDAT:MODEL`, then its test and validation scores in
 * chunk records beside it, and their reassembly. A head an earlier build wrote whole (the scores inside it) still
 * reads.
 */
import { get, set, type UseStore } from 'idb-keyval';
import type { KeptScores } from '../src/core/pipeline/keep';

/**
 * Scores per chunk record (8 MB of Float32): IndexedDB serialises a value whole, and Chromium wraps a large one in a
 * blob, so one record of a model's scores held two more copies of them in the tab for the moment of its write.
 */
export const SCORE_CHUNK = 1 << 21;

/** The prefix of every record of run `savedAt`'s scores (a later save deletes the others). */
export const scoresPrefix = (savedAt: number) => `scores:${savedAt}:`;

/** Whether `key` names a record of some run's scores. */
export const isScoresKey = (key: unknown): key is string => typeof key === 'string' && key.startsWith('scores:');

const scoresKey = (savedAt: number, model: string) => `${scoresPrefix(savedAt)}${model}`;

/** The matrices of a model's kept scores, each in chunk records of its own. */
export type ScorePart = 'test' | 'valid';

const chunkKey = (savedAt: number, model: string, part: ScorePart, i: number) =>
  `${scoresKey(savedAt, model)}#${part}:${i}`;

/** A model's head record as written now: λ(x) and hasP, and the lengths of its matrices, whose chunks follow. */
interface StoredKept {
  lambda: Float64Array | null;
  hasP: boolean;
  /** Scores per chunk record. */
  chunk: number;
  testLength: number;
  /** Null: the model has no validation scores. */
  validLength: number | null;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const isStoredKept = (v: unknown): v is StoredKept =>
  isObj(v) &&
  typeof v.chunk === 'number' &&
  v.chunk >= 1 &&
  typeof v.testLength === 'number' &&
  (v.validLength === null || typeof v.validLength === 'number') &&
  typeof v.hasP === 'boolean' &&
  (v.lambda === null || v.lambda instanceof Float64Array);

/** A head record an earlier build wrote whole. */
const isKept = (v: unknown): v is KeptScores => isObj(v) && v.test instanceof Float32Array;

/** Writes `a` in chunk records, one write at a time, each from a copy of its chunk (a view would clone all of `a`). */
async function writeChunks(a: Float32Array, chunk: number, key: (i: number) => string, db: UseStore): Promise<void> {
  for (let i = 0, at = 0; at < a.length; i++, at += chunk) await set(key(i), a.slice(at, at + chunk), db);
}

/** Reads `length` scores back from their chunk records; undefined when one is missing or of another length. */
async function readChunks(
  length: number,
  chunk: number,
  key: (i: number) => string,
  db: UseStore,
): Promise<Float32Array | undefined> {
  const out = new Float32Array(length);
  for (let i = 0, at = 0; at < length; i++, at += chunk) {
    const c = await get<unknown>(key(i), db);
    if (!(c instanceof Float32Array) || c.length !== Math.min(chunk, length - at)) return undefined;
    out.set(c, at);
  }
  return out;
}

/** Writes one model's kept scores of run `savedAt`: its head record, then the chunks of its test and validation scores. */
export async function writeKept(
  savedAt: number,
  model: string,
  k: KeptScores,
  chunk: number,
  db: UseStore,
): Promise<void> {
  const head: StoredKept = {
    lambda: k.lambda,
    hasP: k.hasP,
    chunk,
    testLength: k.test.length,
    validLength: k.valid ? k.valid.length : null,
  };
  await set(scoresKey(savedAt, model), head, db);
  await writeChunks(k.test, chunk, (i) => chunkKey(savedAt, model, 'test', i), db);
  if (k.valid) await writeChunks(k.valid, chunk, (i) => chunkKey(savedAt, model, 'valid', i), db);
}

/**
 * One model's kept scores of run `savedAt`, or only the parts named (the others read as empty); undefined when
 * missing or unreadable. A record an earlier build wrote whole is read as it is.
 */
export async function readKept(
  savedAt: number,
  model: string,
  db: UseStore,
  parts: readonly ScorePart[] = ['test', 'valid'],
): Promise<KeptScores | undefined> {
  const head = await get<unknown>(scoresKey(savedAt, model), db);
  if (isKept(head)) return head;
  if (!isStoredKept(head)) return undefined;
  const read = (part: ScorePart, length: number) =>
    readChunks(length, head.chunk, (i) => chunkKey(savedAt, model, part, i), db);
  const test = parts.includes('test') ? await read('test', head.testLength) : new Float32Array(0);
  if (!test) return undefined;
  let valid: Float32Array | null = null;
  if (head.validLength !== null && parts.includes('valid')) {
    const v = await read('valid', head.validLength);
    if (!v) return undefined;
    valid = v;
  }
  return { test, valid, lambda: head.lambda, hasP: head.hasP };
}
