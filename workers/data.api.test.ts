import { readFileSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import type { Dataset } from '../src/core/data/types';
import { dataApi, summarise } from './data.api';
import { ingestPartApi } from './ingestPart.api';
import { movieLens } from '../src/testing/sharedData';

/** A Blob whose read waits on its first chunk until `gate` resolves. */
function gatedBlob(text: string, gate: Promise<void>): Blob {
  const blob = new Blob([text]);
  const stream = blob.stream.bind(blob);
  Object.defineProperty(blob, 'stream', {
    value: () =>
      stream().pipeThrough(
        new TransformStream({
          async transform(c, ctl) {
            await gate;
            ctl.enqueue(c);
          },
        }),
      ),
  });
  return blob;
}

describe('dataApi', () => {
  it('keeps the previous data when a load is refused', async () => {
    const first = await dataApi.loadFile(new Blob(['u,i,r,t\n1,1,1,1\n1,2,1,2\n2,1,1,3\n']), 'good.csv');
    expect(first.ok && [first.data.nEvents, first.data.nUsers, first.data.nItems]).toEqual([3, 2, 2]);
    const bad = await dataApi.loadFile(new Blob(['userId,movieId,rating,timestamp\n']), 'bad.csv');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/bad\.csv: .*previous data kept/);
    expect(dataApi.summary()?.source).toBe('good.csv');
  });

  it('posts copies of the held arrays on a channel, so transferring them leaves the worker its own', async () => {
    await dataApi.loadFile(new Blob(['u,i,r,t\n2,9,1,5\n1,8,1,7\n1,9,1,6\n']), 'small.csv');
    const exported = async (): Promise<Dataset> => {
      const { port1, port2 } = new MessageChannel();
      const got = new Promise<Dataset>((resolve) => port2.once('message', (d: Dataset) => resolve(d)));
      expect(dataApi.exportTo(port1)).toBe(true);
      const d = await got;
      port2.close();
      return d;
    };
    const a = await exported();
    expect(a.userIds).toEqual(['2', '1']);
    expect(Array.from(a.user)).toEqual([0, 1, 1]);
    expect(Array.from(a.time)).toEqual([5, 6, 7]);
    a.time[0] = 99;
    expect(Array.from((await exported()).time)).toEqual([5, 6, 7]);
  });

  it('summarise bins events per user by powers of two and ranks item popularity', () => {
    // Users with 1, 2, 3 and 5 events → bins [1,2): 1, [2,4): 2, [4,8): 1. Items counts 6, 4, 1.
    const lens = [1, 2, 3, 5];
    const userOffsets = Int32Array.from([0, 1, 3, 6, 11]);
    const item = Int32Array.from([0, 0, 1, 0, 1, 2, 0, 0, 0, 1, 1]);
    const s = summarise(
      {
        userIds: ['a', 'b', 'c', 'd'],
        itemIds: ['x', 'y', 'z'],
        user: Int32Array.from(lens.flatMap((l, u) => Array(l).fill(u))),
        item,
        time: new Float64Array(11).map((_, i) => i),
        userOffsets,
        itemCounts: Int32Array.from([6, 4, 1]),
        nUsers: 4,
        nItems: 3,
      },
      't',
    );
    expect(s.charts.perUserBinLo).toEqual([1, 2, 4]);
    expect(s.charts.perUserCount).toEqual([1, 2, 1]);
    expect(s.charts.popRank).toEqual([1, 2, 3]);
    expect(s.charts.popCount).toEqual([6, 4, 1]);
    expect([s.tMin, s.tMax]).toEqual([0, 10]);
  });
});

describe('sniff and role override', () => {
  it('reads roles from a header, assumes MovieLens order without one, and flags an unclear file', async () => {
    const csv = await dataApi.sniff(new Blob(['timestamp,rating,movieId,userId\n100,4,7,1\n']));
    expect(csv).toMatchObject({
      delimiter: ',',
      header: ['timestamp', 'rating', 'movieId', 'userId'],
      columns: { user: 3, item: 2, value: 1, time: 0 },
      confident: true,
    });
    expect(csv.rows).toEqual([['100', '4', '7', '1']]);
    const dat = await dataApi.sniff(new Blob(['1::31::2.5::1260759144\n1::1029::3.0::1260759179\n']));
    expect(dat).toMatchObject({
      delimiter: '::',
      header: null,
      columns: { user: 0, item: 1, value: 2, time: 3 },
      confident: true,
    });
    const bin = await dataApi.sniff(new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 10, 1, 2])]));
    expect(bin).toMatchObject({ binary: true, confident: false });
    const odd = await dataApi.sniff(new Blob(['who\twhat\twhen\nann\tx\t5\n']));
    expect(odd).toMatchObject({ delimiter: '\t', header: ['who', 'what', 'when'], binary: false, confident: false });
  });

  it('loads with the roles the user chose', async () => {
    // Columns: item, when, who (no value); header skipped.
    const r = await dataApi.loadFile(
      new Blob(['what\twhen\twho\nx\t5\tann\ny\t3\tann\nx\t4\tbob\n']),
      'tsv',
      undefined,
      {
        columns: { user: 2, item: 0, value: -1, time: 1 },
        delimiter: '\t',
        header: true,
      },
    );
    expect(r.ok && [r.data.nEvents, r.data.nUsers, r.data.nItems, r.data.tMin, r.data.tMax]).toEqual([3, 2, 2, 3, 5]);
  });
});

describe('item metadata', () => {
  it('MovieLens small: movies.csv names every rated movie; the most rated is Forrest Gump (329 ratings)', async ({
    skip,
  }) => {
    const dir = movieLens(skip, 'ratings.csv', 'movies.csv');
    const loaded = await dataApi.loadFile(new Blob([readFileSync(`${dir}/ratings.csv`)]), 'ratings.csv');
    expect(loaded.ok).toBe(true);
    const r = await dataApi.loadItemMeta(new Blob([readFileSync(`${dir}/movies.csv`)]), 'movies.csv');
    expect(r.ok).toBe(true);
    if (!r.ok || !r.data) return;
    expect(r.data.itemsWithMeta).toBe(9_724);
    expect(r.data.topItems[0]).toEqual({
      id: '356',
      title: 'Forrest Gump (1994)',
      tags: 'Comedy|Drama|Romance|War',
      events: 329,
    });
    const bad = await dataApi.loadItemMeta(new Blob(['a,b\n1,2\n']), 'x.csv');
    expect(!bad.ok && bad.reason).toMatch(/x\.csv: the header needs an item id column/);
    expect(dataApi.summary()?.topItems[0].title).toBe('Forrest Gump (1994)');
    // Titles by id for display (movies.csv line of 1 and 356); an unknown id gives ''.
    expect(dataApi.itemTitles(['1', '356', 'nope'])).toEqual(['Toy Story (1995)', 'Forrest Gump (1994)', '']);
  });
});

describe('split summary', () => {
  it('splits the data held (core/data/splitSummary), or says there is none', async () => {
    await dataApi.loadFile(new Blob(['u,i,r,t\na,x,1,1\na,y,1,5\na,x,1,11\nb,y,1,2\nb,x,1,10\n']), 'tiny.csv');
    const r = dataApi.split({ kind: 'temporal', testStart: 10, horizon: 2 });
    expect(r.ok && [r.data.stats.testUsers, r.data.stats.testEvents]).toEqual([2, 2]);
  });
});

describe('load progress', () => {
  it('reports bytes in batches, ending at the file size', async () => {
    const text = 'u,i,r,t\n' + '1,2,3,4\n'.repeat(200_000);
    const calls: [number, number][] = [];
    const r = await dataApi.loadFile(new Blob([text]), 'p.csv', (b, t) => calls.push([b, t]));
    expect(r.ok).toBe(true);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls[calls.length - 1]).toEqual([text.length, text.length]);
    // Reports only move forward.
    for (let k = 1; k < calls.length; k++) expect(calls[k][0]).toBeGreaterThan(calls[k - 1][0]);
  });
});

describe('loadFile', () => {
  it('loads a multi-chunk file and reports where the worker spent its time', async () => {
    const rows = Array.from({ length: 5000 }, (_, k) => `${k % 97},${k % 31},1,${1e9 + k}`).join('\n');
    const r = await dataApi.loadFile(new Blob(['u,i,r,t\n', rows, '\n']), 'rows.csv');
    expect(r.ok && [r.data.nEvents, r.data.nUsers, r.data.nItems]).toEqual([5000, 97, 31]);
    expect(r.ok && r.timing && r.timing.readParse >= 0).toBe(true);
  });
});

describe('loadFile in two halves (a second reader for large files)', () => {
  // 20,000 rows (each half past the 64 KiB the first reader needs before it knows the format) with text and
  // numeric ids, a Latin-1 id late in the file, and bad rows in both halves.
  const lines = ['user,item,rating,time'];
  for (let k = 0; k < 20_000; k++) {
    if (k === 1000) lines.push('u1,i1,1,not-a-time');
    if (k === 14_500) lines.push(',i2,1,5');
    lines.push(`${k % 2 ? `u${k % 97}` : k % 89},${k === 15_000 ? 'caf\xe9' : `i${k % 31}`},1,${1e9 + k}`);
  }
  const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
  const file = new Blob([latin1(`${lines.join('\n')}\n`)]);
  const seen = (r: Awaited<ReturnType<typeof dataApi.loadFile>>) =>
    r.ok ? { data: { ...r.data, source: '' }, problems: r.problems, report: r.report } : r.reason;

  it('gives the sequential result: ids, counts, encoding and bad rows with their physical lines', async () => {
    dataApi.configure({});
    const one = seen(await dataApi.loadFile(file, 'f.csv'));
    let reads = 0;
    dataApi.configure({
      partReader: { read: (b, s) => (reads++, ingestPartApi.read(b, s)), stop() {} },
      twoPartsMin: 1,
    });
    const loaded = await dataApi.loadFile(file, 'f.csv');
    expect(loaded.ok && loaded.timing?.readers).toBe(2);
    const two = seen(loaded);
    expect(reads).toBe(1);
    expect(two).toEqual(one);
    expect(typeof one === 'object' && one.problems.map((p) => p.line)).toEqual([1002, 14_503]);
    expect(typeof one === 'object' && one.report?.format.encoding).toBe('latin1');
    dataApi.configure({});
  });

  it('a failed second reader or a quoted line break across the cut: the first reader reads the rest itself', async () => {
    dataApi.configure({});
    const one = seen(await dataApi.loadFile(file, 'f.csv'));
    dataApi.configure({ partReader: { read: () => Promise.reject(new Error('crashed')), stop() {} }, twoPartsMin: 1 });
    const alone = await dataApi.loadFile(file, 'f.csv');
    expect(alone.ok && alone.timing?.readers).toBe(1);
    expect(seen(alone)).toEqual(one);
    // A row with a quoted line break right where the file is cut (the first line feed after the middle byte): rows
    // are moved from the end to the start until the cut falls there (the quoted line is longer than a row, so a
    // one-row move cannot jump over it).
    let head = lines.slice(0, 10_000);
    let tail = lines.slice(10_000);
    const fileText = () => `${[...head, `7,"${'x'.repeat(60)}`, 'y",1,5', ...tail].join('\n')}\n`;
    for (let text = fileText(); ; text = fileText()) {
      const cut = text.indexOf('\n', text.length >> 1) + 1;
      if (text.slice(0, cut).endsWith('xx\n')) break;
      if (cut < text.indexOf('7,"x')) {
        head = head.slice(0, -1);
        tail = [lines[1], ...tail];
      } else {
        head = [...head, tail[0]];
        tail = tail.slice(1);
      }
    }
    const bytes = new Blob([latin1(fileText())]);
    dataApi.configure({});
    const seq = seen(await dataApi.loadFile(bytes, 'q.csv'));
    dataApi.configure({ partReader: { read: ingestPartApi.read, stop() {} }, twoPartsMin: 1 });
    const across = await dataApi.loadFile(bytes, 'q.csv');
    expect(across.ok && across.timing?.readers).toBe(1);
    expect(seen(across)).toEqual(seq);
    dataApi.configure({});
  });

  it('warms the parser and starts the second reader once idle, but not in the middle of a read', async () => {
    vi.useFakeTimers();
    try {
      let warmed = 0;
      const reader = { read: ingestPartApi.read, stop() {}, warm: () => void warmed++ };
      dataApi.configure({ partReader: reader, warmUpAfterMs: 1000 });
      vi.advanceTimersByTime(999);
      expect(warmed).toBe(0);
      vi.advanceTimersByTime(1);
      expect(warmed).toBe(1);
      // A read in progress when the timer fires: no warm-up (the read warms the parser itself).
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => (release = r));
      const slow = gatedBlob('u,i,r,t\n1,1,1,1\n', gate);
      dataApi.configure({ partReader: reader, warmUpAfterMs: 10 });
      const load = dataApi.loadFile(slow, 'slow.csv');
      await vi.advanceTimersByTimeAsync(10);
      expect(warmed).toBe(1);
      release();
      expect((await load).ok).toBe(true);
    } finally {
      vi.useRealTimers();
      dataApi.configure({});
    }
  });
});

describe('a world generated while a file is read', () => {
  it('is the newer request: the file read stops and the world stays the current data', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const load = dataApi.loadFile(gatedBlob('u,i,r,t\n1,1,1,1\n2,1,1,2\n', gate), 'late.csv');
    const world = dataApi.generate('small', 3);
    expect(world.ok).toBe(true);
    release();
    const r = await load;
    expect(r.ok).toBe(false);
    expect(dataApi.summary()?.source).toBe('synthetic small (seed 3)');
  });
});
