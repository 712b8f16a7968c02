import { describe, expect, it } from 'vitest';
import { release } from './release';

describe('release', () => {
  it('detaches the buffer of the array and of every view sharing it', () => {
    const a = new Float32Array(1000).fill(1);
    const view = new Uint8Array(a.buffer, 8, 16);
    release(a);
    expect(a.length).toBe(0);
    expect(a.buffer.byteLength).toBe(0);
    expect(view.length).toBe(0);
    // Twice, or null, is nothing.
    release(a);
    release(null);
  });

  it('leaves buffers that cannot be detached as they are', () => {
    // Typed here: core's tests compile without the DOM's WebAssembly declarations.
    const wasm = (
      globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } } }
    ).WebAssembly;
    const memory = new wasm.Memory({ initial: 1 });
    const onWasm = new Float32Array(memory.buffer, 0, 4);
    onWasm[0] = 2;
    release(onWasm);
    expect(onWasm.length).toBe(4);
    expect(onWasm[0]).toBe(2);
    const shared = new Int32Array(new SharedArrayBuffer(16));
    release(shared);
    expect(shared.length).toBe(4);
  });
});
