import 'fake-indexeddb/auto';
import { MessageChannel } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter';
import { describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { generateSynthetic } from '../src/core/data/synthetic';
import type { Dataset } from '../src/core/data/types';
import { makeSplit } from '../src/core/data/split';
import { progressBatcher, runApi, type RunProgress } from './run.api';
import { createWorkspaceStore, loadKeptScores, loadValidScores, type WorkspaceStore } from './workspace';

/** A small synthetic world: 150 users, 40 items, ~6,000 events (a run of the fast models takes well under a second). */
function world(): Dataset {
  const g = generateSynthetic({ nUsers: 150, nItems: 40, targetEvents: 6_000, seed: 3 });
  if (!g.ok) throw new Error(g.reason);
  return g.data.dataset;
}

describe('runApi', () => {
  it('runs the fast models, keeps their scores and hands the planner dense copies (Pop checked by hand)', async () => {
    const d = world();
    runApi.setDataset(d, 'tiny');
    expect(await runApi.plannerInput()).toBeNull();
    const rows: string[] = [];
    const progress: RunProgress[] = [];
    const config = { split: { kind: 'temporal' as const }, models: ['Pop', 'EMA', 'Hawkes', 'Rand'], seed: 1 };
    const r = await runApi.run(
      config,
      (p) => progress.push(p),
      (row) => rows.push(row.name),
    );
    if (!r.ok) throw new Error(r.reason);
    expect(rows).toEqual(config.models);
    expect(Object.keys(r.data.item_rec)).toEqual(config.models);
    expect(progress.at(-1)?.fraction).toBe(1);
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4]);

    // An independent split of the same data gives the reference rows, histories and targets.
    const sp = makeSplit(d, config.split);
    if (!sp.ok) throw new Error(sp.reason);
    const test = sp.data.test;
    const nRows = test.users.length;
    const nItems = test.target.nCols;
    const input = await runApi.plannerInput();
    if (!input) throw new Error('no planner input');
    expect(input.models.map((m) => m.model)).toEqual(config.models);
    expect(input.target.nRows).toBe(nRows);
    expect(Array.from(input.target.indptr)).toEqual(Array.from(test.target.indptr));
    expect(Array.from(input.target.indices)).toEqual(Array.from(test.target.indices));
    expect(input.itemIds).toEqual(d.itemIds.slice(0, nItems));

    // Pop (rime): max(0.01, history length) × max(0.01, training count of the item), counted from the raw events.
    const count = new Float64Array(nItems);
    for (let u = 0; u < d.nUsers; u++) for (let e = d.userOffsets[u]; e < sp.data.trainEnd[u]; e++) count[d.item[e]]++;
    const pop = input.models[0];
    expect(pop.testRows).toBe(nRows);
    expect(pop.test.length).toBe(nRows * nItems);
    expect(pop.validRows).toBe(sp.data.valid.users.length);
    expect(pop.valid?.length).toBe(sp.data.valid.users.length * nItems);
    let worst = 0;
    for (let r0 = 0; r0 < nRows; r0++) {
      const hist = test.histEnd[r0] - d.userOffsets[test.users[r0]];
      for (let c = 0; c < nItems; c++) {
        const want = Math.max(0.01, hist) * Math.max(0.01, count[c]);
        worst = Math.max(worst, Math.abs(pop.test[r0 * nItems + c] - want) / want);
      }
    }
    expect(worst).toBeLessThan(1e-6);

    // Copies: a second call gives equal numbers in fresh buffers; a subset by name.
    const again = await runApi.plannerInput(['Hawkes']);
    expect(again?.models.map((m) => m.model)).toEqual(['Hawkes']);
    expect(again?.models[0].test).not.toBe(input.models[2].test);
    expect(Array.from(again!.models[0].test.subarray(0, 50))).toEqual(Array.from(input.models[2].test.subarray(0, 50)));
  });

  it('explores an item: top users by score, λ(x) for intensity models, and who really came (from the raw events)', async () => {
    const d = world();
    const sp = makeSplit(d, { kind: 'temporal' });
    if (!sp.ok) throw new Error(sp.reason);
    const test = sp.data.test;
    const items = runApi.exploreItems(3);
    expect(items.length).toBe(3);
    expect(items[0].events).toBeGreaterThanOrEqual(items[1].events);
    const x = runApi.explore('Hawkes', items[0].id, 8);
    if (!x.ok) throw new Error(x.reason);
    const item = d.itemIds.indexOf(items[0].id);
    // Who came: events of the user on the item inside [testStart, testStart + horizon), counted by brute force.
    const cameOf = (r: number) => {
      const u = test.users[r];
      let n = 0;
      for (let e = d.userOffsets[u]; e < d.userOffsets[u + 1]; e++) {
        if (d.item[e] === item && d.time[e] >= test.testStart[r] && d.time[e] < test.testStart[r] + test.horizon) n++;
      }
      return n;
    };
    let positives = 0;
    for (let r = 0; r < test.users.length; r++) if (cameOf(r) > 0) positives++;
    expect(x.data.positives).toBe(positives);
    expect(x.data.rows.length).toBe(8);
    for (let i = 1; i < x.data.rows.length; i++)
      expect(x.data.rows[i].score).toBeLessThanOrEqual(x.data.rows[i - 1].score);
    // They are the column's 8 best: against a full sort of the item's scores.
    const dense = (await runApi.plannerInput(['Hawkes']))!.models[0];
    const column = Array.from({ length: dense.testRows }, (_, r) => dense.test[r * dense.nItems + item]).sort(
      (a, b) => b - a,
    );
    expect(x.data.rows.map((row) => row.score)).toEqual(column.slice(0, 8));
    for (const row of x.data.rows) {
      const r = Array.from(test.users).findIndex((u) => d.userIds[u] === row.user);
      expect(row.came).toBe(cameOf(r));
      expect(row.lambda).not.toBeNull();
      expect(row.p).toBeNull();
      const hEnd = test.histEnd[r];
      expect(row.history).toEqual(
        Array.from(d.item.subarray(Math.max(d.userOffsets[test.users[r]], hEnd - 5), hEnd), (i) => d.itemIds[i]),
      );
    }
    expect(runApi.explore('RNN', items[0].id).ok).toBe(false);
  });

  it('hands the planner the first model of the next run as soon as its scores are kept, a copy of them', async () => {
    const d = world();
    runApi.setDataset(d, 'first');
    const older = runApi.firstModelInput();
    const first = runApi.firstModelInput();
    // A newer call answers the older one with nothing.
    expect(await older).toBeNull();
    const rows: string[] = [];
    let rowsWhenAnswered: string[] | null = null;
    void first.then(() => (rowsWhenAnswered = [...rows]));
    const r = await runApi.run({ split: { kind: 'temporal' }, models: ['Pop', 'EMA'], seed: 1 }, undefined, (row) =>
      rows.push(row.name),
    );
    if (!r.ok) throw new Error(r.reason);
    const got = await first;
    if (!got) throw new Error('no first model');
    expect(got.source).toBe('first');
    expect(got.input.models.map((m) => m.model)).toEqual(['Pop']);
    // Answered before the run ended, and before even the first model's metrics (no row in yet).
    expect(rowsWhenAnswered).toEqual([]);
    expect(rows).toEqual(['Pop', 'EMA']);
    const full = await runApi.plannerInput(['Pop']);
    const pop = full!.models[0];
    expect(got.input.models[0].test).not.toBe(pop.test);
    expect(Array.from(got.input.models[0].test)).toEqual(Array.from(pop.test));
    expect(Array.from(got.input.models[0].valid!)).toEqual(Array.from(pop.valid!));
    expect(Array.from(got.input.target.indices)).toEqual(Array.from(full!.target.indices));
  });

  it('moves the first model to the page by transfer: the copies it sent are detached there, the run keeps its scores', async () => {
    // The run worker's side of a real message channel, recording what each reply transferred.
    const { port1, port2 } = new MessageChannel();
    const sent: ArrayBuffer[] = [];
    const workerSide = nodeEndpoint(port1);
    const post = workerSide.postMessage.bind(workerSide);
    workerSide.postMessage = (message: unknown, transfer?: Parameters<typeof post>[1]) => {
      sent.push(...((transfer ?? []) as ArrayBuffer[]));
      post(message, transfer);
    };
    Comlink.expose(runApi, workerSide);
    const remote = Comlink.wrap<typeof runApi>(nodeEndpoint(port2));
    try {
      runApi.setDataset(world(), 'moved');
      const first = remote.firstModelInput();
      // A round trip, so that the worker side holds the request before the run starts.
      await remote.source();
      const r = await runApi.run({ split: { kind: 'temporal' }, models: ['Pop', 'EMA'], seed: 1 });
      if (!r.ok) throw new Error(r.reason);
      const got = await first;
      const pop = got!.input.models[0];
      // Test scores, validation scores and the three target arrays went over without a copy: detached here.
      expect(sent.length).toBe(5);
      expect(sent.every((b) => b.byteLength === 0)).toBe(true);
      expect(pop.test.length).toBe(pop.testRows * pop.nItems);
      const own = (await runApi.plannerInput(['Pop']))!.models[0];
      expect(Array.from(own.test)).toEqual(Array.from(pop.test));
      expect(Array.from(own.valid!)).toEqual(Array.from(pop.valid!));
    } finally {
      remote[Comlink.releaseProxy]();
      port1.close();
      port2.close();
    }
  });

  it('trains a tiny RNN composition, reports batched progress, cancels within a batch and keeps the last results', async () => {
    await runApi.initBackend(['cpu']);
    expect(runApi.backend().choice?.backend).toBe('cpu');
    const before = tf.memory().numTensors;
    const config = {
      split: { kind: 'temporal' as const },
      models: ['RNN-Hawkes', 'RNN'],
      seed: 2,
      epochs: 1,
      sequence: { hidden: 8, layers: 1, maxLen: 16 },
    };
    const progress: RunProgress[] = [];
    const r = await runApi.run(config, (p) => progress.push(p));
    if (!r.ok) throw new Error(r.reason);
    expect(r.data.meta['RNN-Hawkes'].backend).toBe('cpu');
    const fits = progress.filter((p) => p.model === 'RNN' && p.epochs > 0);
    expect(fits.length).toBeGreaterThan(0);
    expect(fits.some((p) => p.validLoss !== undefined)).toBe(true);
    // One epoch asked: every report is epoch 1 of 1 (counted from 1 whatever the model counts from).
    expect(fits.every((p) => p.epoch === 1 && p.epochs === 1)).toBe(true);
    expect(progress.flatMap((p) => p.losses).every(Number.isFinite)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    // p(y|x) of a composition sums to 1 over the items for each user: check through the explorer on every item.
    const input = await runApi.plannerInput(['RNN']);
    const rnn = input!.models[0];
    for (let row = 0; row < 3; row++) {
      let s = 0;
      for (let c = 0; c < rnn.nItems; c++) s += rnn.test[row * rnn.nItems + c];
      expect(s).toBeCloseTo(1, 4);
    }

    // Cancel from the first progress report: the run stops, the previous results stay.
    const bigger = { ...config, epochs: 3, models: ['RNN'] };
    let reports = 0;
    const c = await runApi.run(bigger, () => {
      reports++;
      runApi.cancel();
    });
    expect(c.ok ? '' : c.code).toBe('aborted');
    expect(reports).toBe(1);
    expect(runApi.keptModels()).toEqual(['RNN-Hawkes', 'RNN']);
    expect(tf.memory().numTensors).toBe(before);

    // The backend lost during a fit (a WebGPU device, simulated on the CPU): the run stops within a batch and says
    // why; the next pick skips nothing it can avoid (the CPU is the last resort) and the following run works.
    const lostRun = await runApi.run(bigger, () => runApi.loseBackend());
    expect(lostRun.ok ? '' : lostRun.code).toBe('backend-lost');
    expect(lostRun.ok ? '' : lostRun.reason).toBe('the backend was lost (simulated)');
    expect(runApi.backend().choice).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
    expect((await runApi.initBackend(['cpu']))?.backend).toBe('cpu');
    expect((await runApi.run({ ...config, models: ['RNN'] })).ok).toBe(true);

    const bad = await runApi.run({ ...config, models: ['Nope'] });
    expect(bad.ok ? '' : bad.code).toBe('bad-config');
    runApi.clear();
    expect((await runApi.run(config)).ok ? '' : 'no-data').toBe('no-data');
  });

  it('takes its data from a channel (the data worker posts on the other end); a run asked before it arrives waits', async () => {
    runApi.clear();
    const config = { split: { kind: 'temporal' as const }, models: ['Pop'], seed: 1 };
    const a = new MessageChannel();
    const got = runApi.receiveDataset(a.port2, 'from the channel', 1);
    const run = runApi.run(config);
    // Nothing has come yet: the run waits instead of answering no-data.
    const first = await Promise.race([run, new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), 50))]);
    expect(first).toBe('waiting');
    const d = world();
    a.port1.postMessage(d);
    expect(await got).toBe(true);
    const r = await run;
    expect(r.ok && Object.keys(r.data.item_rec)).toEqual(['Pop']);
    expect(runApi.source()).toBe('from the channel');

    // The data worker held nothing (it posts null): the run says so.
    runApi.clear();
    const b = new MessageChannel();
    const none = runApi.receiveDataset(b.port2, 'empty', 2);
    b.port1.postMessage(null);
    expect(await none).toBe(false);
    const r2 = await runApi.run(config);
    expect(r2.ok ? '' : r2.code).toBe('no-data');

    // The page's request to the data worker failed: dropping the wait (only its own) lets the run answer.
    const c = new MessageChannel();
    const dropped = runApi.receiveDataset(c.port2, 'never sent', 3);
    runApi.dropIncoming(2);
    const waiting = await Promise.race([dropped, new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), 50))]);
    expect(waiting).toBe('waiting');
    runApi.dropIncoming(3);
    expect(await dropped).toBe(false);
    const r3 = await runApi.run(config);
    expect(r3.ok ? '' : r3.code).toBe('no-data');
    a.port1.close();
    b.port1.close();
    c.port1.close();
  });

  it('hands the planner its input while the run is still being saved: the shared test scores, saved intact', async () => {
    const real = createWorkspaceStore('t-ws-slow', 'ws');
    let open = () => {};
    const gate = new Promise<void>((r) => (open = r));
    // A save that holds the write lock until the gate opens (a large run writing its chunks).
    const slow: WorkspaceStore = {
      ...real,
      saveRun: async (r, data, onLocked) => {
        onLocked?.();
        await gate;
        await real.saveRun(r, data);
      },
    };
    runApi.configure({ order: ['cpu'], workspace: slow });
    runApi.setDataset(world(), 'slow save');
    const r = await runApi.run({ split: { kind: 'temporal' }, models: ['Pop', 'HP'], seed: 2 });
    if (!r.ok) throw new Error(r.reason);
    const waited = new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 10_000));
    const input = await Promise.race([runApi.plannerInput(), waited]);
    if (!input || input === 'waited') throw new Error('the planner input waited for the save');
    const hp = input.models[1];
    expect(hp.test.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(hp.valid).toBeNull();
    open();
    expect(await runApi.saved()).toBeNull();
    // The save wrote the very scores the planner holds, and the validation scores it names.
    const saved = await loadKeptScores(hp.validSaved!, 'HP', 't-ws-slow', 'ws');
    expect(Array.from(saved!.test)).toEqual(Array.from(hp.test));
    expect((await loadValidScores(hp.validSaved!, 'HP', 't-ws-slow', 'ws'))!.length).toBe(hp.validRows * hp.nItems);
    runApi.configure({ order: ['cpu'] });
  });

  it('saves the workspace in IndexedDB and restores dataset, results and planner input after a restart; start over clears it', async () => {
    const cleared: string[] = [];
    runApi.configure({
      order: ['cpu'],
      workspace: createWorkspaceStore('t-ws', 'ws'),
      modelCache: { get: async () => undefined, put: async () => {}, clear: async () => void cleared.push('models') },
    });
    expect(await runApi.restore()).toBeNull();
    const d = world();
    runApi.setDataset(d, 'tiny world');
    const config = { split: { kind: 'temporal' as const }, models: ['Pop', 'HP'], seed: 4 };
    const r = await runApi.run(config);
    if (!r.ok) throw new Error(r.reason);
    const before = await runApi.plannerInput();
    expect(await runApi.saved()).toBeNull();
    // Saved, so the worker handed its own arrays over; asked again, it reads them back from IndexedDB, and the
    // explorer still lists an item's top users from the lists it kept.
    const again = await runApi.plannerInput();
    expect(again?.models.map((m) => m.model)).toEqual(['Pop', 'HP']);
    expect(Array.from(again!.models[1].test)).toEqual(Array.from(before!.models[1].test));
    // The validation scores stay in the saved run, named by its savedAt, for the planner to read when it needs them.
    const hp = before!.models[1];
    expect([hp.valid, again!.models[1].valid, again!.models[1].validSaved]).toEqual([null, null, hp.validSaved]);
    expect(hp.validRows).toBeGreaterThan(0);
    const saved = await loadKeptScores(hp.validSaved!, 'HP', 't-ws', 'ws');
    expect(saved?.valid?.length).toBe(hp.validRows * hp.nItems);
    const explored = runApi.explore('HP', runApi.exploreItems(1)[0].id, 5);
    expect(explored.ok && explored.data.rows.length).toBe(5);

    runApi.clear(); // as a fresh worker after a reload: nothing in memory
    expect(await runApi.plannerInput()).toBeNull();
    const back = await runApi.restore();
    if (!back) throw new Error('nothing restored');
    expect(back.source).toBe('tiny world');
    expect(Array.from(back.dataset.item)).toEqual(Array.from(d.item));
    expect(Array.from(back.dataset.time)).toEqual(Array.from(d.time));
    expect(back.dataset.itemIds).toEqual(d.itemIds);
    expect(back.run?.config).toEqual(config);
    expect(back.run?.result.user_rec).toEqual(r.data.user_rec);
    const after = await runApi.plannerInput();
    expect(after?.models.map((m) => m.model)).toEqual(['Pop', 'HP']);
    expect(Array.from(after!.models[1].test)).toEqual(Array.from(before!.models[1].test));
    expect(Array.from(after!.target.indices)).toEqual(Array.from(before!.target.indices));
    expect(runApi.explore('HP', runApi.exploreItems(1)[0].id).ok).toBe(true);

    await runApi.clearWorkspace();
    expect(cleared).toEqual(['models']);
    expect(await runApi.restore()).toBeNull();
    runApi.configure({});
  });
});

describe('progressBatcher', () => {
  it('sends at most one message per 100 ms carrying every batch loss since the last, plus each epoch end; epochs counted from 1', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    try {
      const sent: RunProgress[] = [];
      const b = progressBatcher(2, (p) => sent.push(p));
      const fit = (batch: number, loss: number, validLoss?: number) =>
        b.fit('RNN', { epoch: 0, epochs: 2, batch, batches: 10, loss, validLoss, examplesPerSecond: 50 });
      fit(1, 9); // first report: sent
      fit(2, 8);
      fit(3, 7); // same instant: held
      vi.advanceTimersByTime(99);
      fit(4, 6); // 99 ms later: still held
      vi.advanceTimersByTime(1);
      fit(5, 5); // 100 ms: sent with the four held losses
      fit(10, 4, 3.5); // epoch end: sent at once
      expect(sent.map((p) => p.losses)).toEqual([[9], [8, 7, 6, 5], [4]]);
      expect(sent.map((p) => p.epoch)).toEqual([1, 1, 1]);
      expect(sent[2].validLoss).toBe(3.5);
      // Half of the first of two epochs done at batch 10 of 10 of epoch 1 → fit 1/2, model 0 of 2 done → run 1/4.
      expect(sent[2].fraction).toBeCloseTo(0.25, 10);
      b.model('RNN');
      expect(sent[3]).toMatchObject({ done: 1, total: 2, fraction: 0.5, losses: [] });
    } finally {
      vi.useRealTimers();
    }
  });
});
