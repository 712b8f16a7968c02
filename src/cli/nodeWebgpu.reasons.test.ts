import { afterEach, describe, expect, it, vi } from 'vitest';

// The paths that need no adapter, so they run on every machine (nodeWebgpu.test.ts needs a real one). Each test loads
// a fresh copy of the module: it remembers what it installed.
const fresh = async () => {
  vi.resetModules();
  return import('./nodeWebgpu');
};
const g = globalThis as { navigator?: unknown };

describe('installNodeWebgpu without an adapter of its own', () => {
  afterEach(() => {
    vi.doUnmock('webgpu');
    delete g.navigator;
  });

  it('uses a navigator.gpu that is already there and never takes it away', async () => {
    const gpu = {
      requestAdapter: async () => ({
        info: { vendor: 'acme', architecture: 'rdna', description: 'Acme 9000', isFallbackAdapter: false },
      }),
    };
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    const m = await fresh();
    const r = await m.installNodeWebgpu({ allowSoftware: false });
    expect(r).toEqual({ ok: true, data: { adapter: 'acme rdna (Acme 9000)', software: false, addedIcd: null } });
    m.uninstallNodeWebgpu();
    expect((g.navigator as { gpu: unknown }).gpu).toBe(gpu);
  });

  it('refuses a software adapter when asked for hardware only, with the adapter named', async () => {
    const gpu = {
      requestAdapter: async () => ({
        info: { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true },
      }),
    };
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    const m = await fresh();
    const r = await m.installNodeWebgpu({ allowSoftware: false });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^only a software adapter \(google swiftshader\)/);
    expect((await m.installNodeWebgpu()).ok).toBe(true);
  });

  it('says why when the webgpu package cannot be loaded', async () => {
    vi.doMock('webgpu', () => {
      throw new Error('Cannot find package webgpu');
    });
    const m = await fresh();
    const r = await m.installNodeWebgpu();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^the 'webgpu' package \(Dawn for Node\) could not be loaded/);
    expect(g.navigator).toBeUndefined();
  });
});
