import { describe, expect, it } from 'vitest';
import type { BackendChoice, BackendOptions } from '../src/platform/backend';
import { backendSession } from './backend';

/**
 * A fake ladder over a machine whose only WebGPU adapter is software (SwiftShader): WebGPU is taken when software
 * GPUs are allowed, else WASM. Records each walk and whether two walks overlapped.
 */
function fakeLadder(msPerWalk = 0) {
  const walks: BackendOptions[] = [];
  let walking = 0;
  let overlapped = false;
  const pick = async (o: BackendOptions): Promise<BackendChoice> => {
    walks.push(o);
    if (walking++ > 0) overlapped = true;
    await new Promise((f) => setTimeout(f, msPerWalk));
    walking--;
    const order = o.order ?? [];
    const backend =
      order.includes('webgpu') && o.software !== false ? 'webgpu' : order.includes('wasm') ? 'wasm' : 'cpu';
    return { backend, skipped: [], selfTestDiff: 0 };
  };
  return { pick, walks, overlapped: () => overlapped };
}

const LADDER = ['webgpu', 'webgl', 'wasm', 'cpu'];

describe('the run worker backend session', () => {
  it('never answers a request with the choice made for another while a cancelled fit still runs', async () => {
    const ladder = fakeLadder();
    const s = backendSession({ pick: ladder.pick, watch: () => {}, busyWaitMs: 30 });
    // WebGPU asked for by name: the software adapter is taken.
    expect((await s.request({ order: ['webgpu', 'cpu'], software: true }, () => false))?.backend).toBe('webgpu');
    // "auto" while the cancelled WebGPU run is still finishing its batch: no switch under it, and no stale answer.
    expect(await s.request({ order: LADDER, software: false }, () => true)).toBeNull();
    expect(s.choice()).toBeNull();
    // The next run picks for the latest request: WASM.
    expect((await s.forRun()).backend).toBe('wasm');
    expect(s.choice()?.backend).toBe('wasm');
    expect(ladder.walks.map((w) => w.software)).toEqual([true, false]);
  });

  it('waits for a cancelled fit that stops in time, then picks for the new request', async () => {
    const ladder = fakeLadder();
    const s = backendSession({ pick: ladder.pick, watch: () => {}, busyWaitMs: 5_000 });
    await s.request({ order: ['webgpu', 'cpu'], software: true }, () => false);
    let busy = true;
    setTimeout(() => (busy = false), 120);
    expect((await s.request({ order: LADDER, software: false }, () => busy))?.backend).toBe('wasm');
  });

  it('walks the ladder once per request, one walk at a time, the latest request shown', async () => {
    const ladder = fakeLadder(40);
    const s = backendSession({ pick: ladder.pick, watch: () => {} });
    const a = s.request({ order: ['webgpu', 'cpu'], software: true }, () => false);
    const b = s.request({ order: LADDER, software: false }, () => false);
    expect([(await a)?.backend, (await b)?.backend]).toEqual(['webgpu', 'wasm']);
    expect(ladder.overlapped()).toBe(false);
    expect(s.choice()?.backend).toBe('wasm');
    await s.request({ order: LADDER, software: false }, () => false);
    expect((await s.forRun()).backend).toBe('wasm');
    expect(ladder.walks.length).toBe(2);
  });

  it('drops a lost backend from later picks and tells the host', async () => {
    const ladder = fakeLadder();
    let loseDevice: (reason: string) => void = () => {};
    const lost: string[] = [];
    const s = backendSession({
      pick: ladder.pick,
      watch: (f) => (loseDevice = f),
      onLost: (r) => lost.push(r),
    });
    s.configure({ software: true, wasmPaths: 'wasm/' });
    expect((await s.request({}, () => false))?.backend).toBe('webgpu');
    loseDevice('the WebGPU device was lost (destroyed)');
    expect(lost).toEqual(['the WebGPU device was lost (destroyed)']);
    expect(s.choice()).toBeNull();
    expect((await s.forRun()).backend).toBe('wasm');
    expect(ladder.walks[1]).toEqual({ software: true, wasmPaths: 'wasm/', order: ['webgl', 'wasm', 'cpu'] });
  });
});
