import * as Comlink from 'comlink';
import { describe, expect, it } from 'vitest';
import { BridgeError, createWorkerClient, latestWins, workerSingleton, type WorkerLike } from './client';

/** A "worker" on a MessageChannel: the far port exposes `api`; terminate closes both ends; `crash` fires an error event. */
function fakeWorker<T extends object>(api: T) {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(api, port2 as unknown as Comlink.Endpoint);
  const target = new EventTarget();
  let terminated = false;
  const w = {
    postMessage: (m: unknown) => port1.postMessage(m),
    addEventListener: (type: string, l: (e: Event) => void) =>
      type === 'error' ? target.addEventListener(type, l) : port1.addEventListener(type, l),
    removeEventListener: (type: string, l: (e: Event) => void) =>
      type === 'error' ? target.removeEventListener(type, l) : port1.removeEventListener(type, l),
    start: () => port1.start(),
    terminate: () => {
      terminated = true;
      port1.close();
      port2.close();
    },
  } as unknown as WorkerLike;
  return {
    w,
    crash: () => target.dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message: 'boom' })),
    isTerminated: () => terminated,
  };
}

describe('createWorkerClient', () => {
  it('calls through, rejects on abort, and on a crash rejects what was pending and restarts', async () => {
    const spawned: ReturnType<typeof fakeWorker>[] = [];
    let release: () => void = () => {};
    const api = {
      add: (a: number, b: number) => a + b,
      hang: () => new Promise<number>((r) => (release = () => r(1))),
    };
    const restarts: string[] = [];
    const client = createWorkerClient<typeof api>(
      'test',
      () => {
        const f = fakeWorker(api);
        spawned.push(f);
        return f.w;
      },
      (why) => restarts.push(why),
    );
    expect(await client.call((a) => a.add(2, 3))).toBe(5);

    const ctl = new AbortController();
    const p = client.call((a) => a.hang(), ctl.signal);
    ctl.abort();
    await expect(p).rejects.toMatchObject({ code: 'aborted' });
    release();

    const pending = client.call((a) => a.hang());
    await new Promise((r) => setTimeout(r, 10));
    spawned[0].crash();
    const e = await pending.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BridgeError);
    expect((e as BridgeError).code).toBe('crashed');
    expect((e as BridgeError).message).toMatch(/test worker stopped \(boom\)/);
    expect(spawned[0].isTerminated()).toBe(true);
    expect(spawned).toHaveLength(2);
    expect(restarts).toEqual(['boom']);
    // The fresh worker answers.
    expect(await client.call((a) => a.add(1, 1))).toBe(2);
    client.dispose();
  });
});

describe('workerSingleton', () => {
  it('starts its worker on first use only, and tells the latest listener of a restart', async () => {
    const spawned: ReturnType<typeof fakeWorker>[] = [];
    const api = { twice: (x: number) => 2 * x };
    const one = workerSingleton<typeof api>('single', () => {
      const f = fakeWorker(api);
      spawned.push(f);
      return f.w;
    });
    const heard: string[] = [];
    one.onRestart((why) => heard.push(`first ${why}`));
    one.onRestart((why) => heard.push(`second ${why}`));
    expect(spawned).toHaveLength(0);
    expect(one.client()).toBe(one.client());
    expect(await one.client().call((a) => a.twice(4))).toBe(8);
    expect(spawned).toHaveLength(1);
    spawned[0].crash();
    expect(heard).toEqual(['second boom']);
    expect(spawned).toHaveLength(2);
    expect(await one.client().call((a) => a.twice(5))).toBe(10);
    one.client().dispose();
  });
});

describe('latestWins', () => {
  it('sends one request per frame with the latest arguments and drops stale replies', async () => {
    const frames: (() => void)[] = [];
    const scheduler = { request: (cb: () => void) => frames.push(cb), cancel: () => {} };
    const resolvers = new Map<number, (v: number) => void>();
    const sent: number[] = [];
    const got: number[] = [];
    const lw = latestWins<number, number>(
      (x) => {
        sent.push(x);
        return new Promise<number>((r) => resolvers.set(x, r));
      },
      (r) => got.push(r),
      undefined,
      scheduler,
    );
    lw.request(1);
    lw.request(2);
    lw.request(3);
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(sent).toEqual([3]);
    lw.request(4);
    frames.shift()!();
    expect(sent).toEqual([3, 4]);
    // The newer reply arrives first; the older one is then stale and dropped.
    resolvers.get(4)!(40);
    await Promise.resolve();
    resolvers.get(3)!(30);
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual([40]);
  });
});
