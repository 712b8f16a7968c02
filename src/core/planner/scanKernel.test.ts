import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { allocTransposed, kernelOf } from './scanKernel';

describe('scan kernel', () => {
  it('scanKernel.bytes.ts is what scanKernel.wat compiles to (scripts/build-wasm.mjs --check)', () => {
    expect(() =>
      execFileSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { stdio: 'pipe' }),
    ).not.toThrow();
  });

  it('places the transposed copy in the kernel memory behind the K-th values, and only when asked', () => {
    const T = allocTransposed(5, 3);
    const kern = kernelOf(T)!;
    expect(T.length).toBe(15);
    expect(T.every((v) => v === 0)).toBe(true);
    expect(kern.kth32.buffer).toBe(T.buffer);
    expect(kern.tBase).toBe(T.byteOffset);
    expect(kern.tBase % 16).toBe(0);
    expect(kern.kBase + 4 * kern.kth32.length).toBeLessThanOrEqual(kern.tBase);
    expect(kernelOf(allocTransposed(5, 3, false))).toBeNull();
    expect(kernelOf(new Float32Array(15))).toBeNull();
  });
});
