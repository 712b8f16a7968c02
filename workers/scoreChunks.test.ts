import 'fake-indexeddb/auto';
import { createStore, del, get, keys, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { isScoresKey, readKept, scoresPrefix, writeKept } from './scoreChunks';

describe('score chunk records', () => {
  it('writes a model’s scores as a head and chunk records, each chunk its own small buffer, and reads them back', async () => {
    const db = createStore('t-chunks-write', 'ws');
    // Chunks of 3 scores: 8 test scores in chunks of 3, 3 and 2; 4 validation scores in 3 and 1.
    const test = Float32Array.from({ length: 8 }, (_, i) => i + 0.5);
    const valid = Float32Array.of(-1, -2, -3, -4);
    const lambda = Float64Array.of(0.25, 0.75);
    await writeKept(5, 'HP', { test, valid, lambda, hasP: true }, 3, db);
    expect((await keys(db)).map(String).sort()).toEqual([
      'scores:5:HP',
      'scores:5:HP#test:0',
      'scores:5:HP#test:1',
      'scores:5:HP#test:2',
      'scores:5:HP#valid:0',
      'scores:5:HP#valid:1',
    ]);
    // Each chunk is its own buffer of its own scores (a view of the whole matrix would have stored all of it).
    const second = await get<Float32Array>('scores:5:HP#test:1', db);
    expect(Array.from(second!)).toEqual([3.5, 4.5, 5.5]);
    expect(second!.buffer.byteLength).toBe(12);
    const last = await get<Float32Array>('scores:5:HP#valid:1', db);
    expect(Array.from(last!)).toEqual([-4]);

    const back = await readKept(5, 'HP', db);
    expect(Array.from(back!.test)).toEqual(Array.from(test));
    expect(Array.from(back!.valid!)).toEqual([-1, -2, -3, -4]);
    expect(Array.from(back!.lambda!)).toEqual([0.25, 0.75]);
    expect(back!.hasP).toBe(true);
  });

  it('reads the parts asked only; a model without validation scores reads with none', async () => {
    const db = createStore('t-chunks-parts', 'ws');
    await writeKept(
      2,
      'Pop',
      { test: Float32Array.of(1, 2, 3), valid: Float32Array.of(4, 5), lambda: null, hasP: false },
      2,
      db,
    );
    await writeKept(2, 'EMA', { test: Float32Array.of(6), valid: null, lambda: null, hasP: false }, 2, db);
    // The test chunks are not read for the validation scores alone: without them it still reads.
    await del('scores:2:Pop#test:0', db);
    const v = await readKept(2, 'Pop', db, ['valid']);
    expect(v!.test.length).toBe(0);
    expect(Array.from(v!.valid!)).toEqual([4, 5]);
    expect(await readKept(2, 'Pop', db)).toBeUndefined();
    const ema = await readKept(2, 'EMA', db);
    expect(Array.from(ema!.test)).toEqual([6]);
    expect(ema!.valid).toBeNull();
    expect((await keys(db)).map(String).filter((k) => k.startsWith('scores:2:EMA#valid'))).toEqual([]);
  });

  it('reads a run unreadable rather than wrong: a missing chunk, a chunk of another length, another run, no head', async () => {
    const db = createStore('t-chunks-broken', 'ws');
    const k = { test: Float32Array.of(1, 2, 3, 4, 5), valid: Float32Array.of(6), lambda: null, hasP: false };
    await writeKept(7, 'HP', k, 2, db);
    expect(Array.from((await readKept(7, 'HP', db))!.test)).toEqual([1, 2, 3, 4, 5]);
    // The last chunk holds one score; two read as a record of another write.
    await set('scores:7:HP#test:2', Float32Array.of(5, 5), db);
    expect(await readKept(7, 'HP', db)).toBeUndefined();
    await del('scores:7:HP#test:2', db);
    expect(await readKept(7, 'HP', db)).toBeUndefined();
    expect(await readKept(8, 'HP', db)).toBeUndefined();
    expect(await readKept(7, 'Pop', db)).toBeUndefined();
    // A head of another shape.
    await set('scores:7:HP', { chunk: 0, testLength: 5, validLength: 1, hasP: false, lambda: null }, db);
    expect(await readKept(7, 'HP', db)).toBeUndefined();
  });

  it('reads a record an earlier build wrote whole as it is', async () => {
    const db = createStore('t-chunks-whole', 'ws');
    await set('scores:5:HP', { test: Float32Array.of(7, 8), valid: Float32Array.of(9), lambda: null, hasP: false }, db);
    const back = await readKept(5, 'HP', db);
    expect(Array.from(back!.test)).toEqual([7, 8]);
    expect(Array.from(back!.valid!)).toEqual([9]);
  });

  it('names the records of one run by its prefix, and tells score records from the others', () => {
    expect('scores:12:HP#test:0'.startsWith(scoresPrefix(12))).toBe(true);
    expect('scores:123:HP'.startsWith(scoresPrefix(12))).toBe(false);
    expect(['scores:1:Pop', 'run', 'meta', 1, 'scores'].map((k) => isScoresKey(k))).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});
