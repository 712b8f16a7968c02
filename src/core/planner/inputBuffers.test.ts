import { describe, expect, it } from 'vitest';
import type { PlannerInput } from './types';
import { inputArrays, inputBuffers } from './inputBuffers';

describe('inputBuffers', () => {
  it('lists each transferable buffer once and leaves shared memory out', () => {
    const shared = new Float32Array(new SharedArrayBuffer(16));
    const own = new Float32Array(4);
    const valid = new Float32Array(2);
    const input = {
      models: [
        { model: 'a', test: shared, valid: null },
        { model: 'b', test: own, valid },
        { model: 'c', test: own.subarray(0, 2), valid: null },
      ],
      target: { nRows: 1, nCols: 2, indptr: Int32Array.of(0, 1), indices: Int32Array.of(1), data: Float32Array.of(1) },
      itemIds: ['x', 'y'],
    } as unknown as PlannerInput;
    expect(inputArrays(input).length).toBe(7);
    const buffers = inputBuffers(input);
    expect(buffers).toEqual([
      own.buffer,
      valid.buffer,
      input.target.indptr.buffer,
      input.target.indices.buffer,
      input.target.data.buffer,
    ]);
    // What postMessage accepts: a clone with this transfer list detaches exactly these.
    const sent = structuredClone(input, { transfer: buffers });
    expect(sent.models[0].test[0]).toBe(0);
    expect(own.length).toBe(0);
    expect(shared.length).toBe(4);
  });
});
