/** The arrays of a planner input, and the buffers that move it between workers by transfer. */
import type { PlannerInput } from './types';

/** Every array of an input: each model's test and validation scores, then the targets. */
export const inputArrays = (inp: PlannerInput): ArrayBufferView[] => [
  ...inp.models.flatMap((m) => (m.valid ? [m.test, m.valid] : [m.test])),
  inp.target.indptr,
  inp.target.indices,
  inp.target.data,
];

/**
 * The buffers to transfer with an input, each once (the sender's arrays are detached afterwards). Shared memory is
 * left out: it cannot be transferred, and is sent without a copy as it is.
 */
export function inputBuffers(input: PlannerInput): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of inputArrays(input)) if (a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  return [...out];
}
