/**
 * The tfjs backend for CLI runs: the app's ladder (src/platform/backend.ts: each rung confirmed by the CPU self-test) over
 * the rungs Node has. WebGL never starts in Node; WebGPU comes from the `webgpu` package (nodeWebgpu.ts).
 */
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import type { BackendChoice } from '../platform/backend';
import { installNodeWebgpu } from './nodeWebgpu';

import type { BackendPref } from './backendPrefs';
export { BACKEND_PREFS, type BackendPref } from './backendPrefs';

export interface CliBackendChoice extends BackendChoice {
  /** The WebGPU adapter when the choice is webgpu, e.g. "google swiftshader (SwiftShader driver 5.0.0), software". */
  adapter?: string;
}

/** The folder of tfjs's WASM binaries, for setWasmPaths (here and in the replica threads, replicaWorker.ts). */
export const wasmDir = () =>
  `${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`;

/**
 * auto (`rimw run`'s default): WebGPU on a GPU → WASM → CPU; a software WebGPU adapter (SwiftShader) is passed over
 * there, being far slower than WASM, but `webgpu` takes it. wasm / webgpu: that rung, else CPU. cpu: the CPU backend,
 * no self-test (tens of times slower than WASM on the sequence models).
 */
export async function chooseBackend(pref: BackendPref): Promise<CliBackendChoice> {
  // Loaded here, not at the top, so that the commands which never train start without tfjs. The ladder brings the
  // tfjs bundle, which registers the gradients and the CPU backend the sequence models train on in Node.
  const [tf, { pickBackend }] = await Promise.all([import('@tensorflow/tfjs-core'), import('../platform/backend')]);
  if (pref === 'cpu') {
    if (!(await tf.setBackend('cpu'))) throw new Error('the CPU backend did not start');
    return { backend: 'cpu', skipped: [], selfTestDiff: 0 };
  }
  let order = pref === 'auto' ? ['webgpu', 'wasm'] : [pref];
  const skipped: BackendChoice['skipped'] = [];
  let adapter: string | undefined;
  if (order.includes('webgpu')) {
    const gpu = await installNodeWebgpu({ allowSoftware: pref === 'webgpu' });
    if (gpu.ok) adapter = `${gpu.data.adapter}${gpu.data.software ? ', software' : ''}`;
    else {
      skipped.push({ backend: 'webgpu', reason: gpu.reason });
      order = order.filter((b) => b !== 'webgpu');
    }
  }
  const c = await pickBackend({ order: [...order, 'cpu'], wasmPaths: wasmDir() });
  return { ...c, skipped: [...skipped, ...c.skipped], ...(c.backend === 'webgpu' ? { adapter } : {}) };
}

/** One line as the app shows it: the backend, then why the rungs above it were skipped. */
export function describeChoice(c: CliBackendChoice): string {
  const detail = [c.adapter, c.backend === 'cpu' ? '' : `self-test diff ${c.selfTestDiff.toExponential(1)}`]
    .filter(Boolean)
    .join('; ');
  const skipped = c.skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ');
  return `backend: ${c.backend}${detail ? ` (${detail})` : ''}${skipped ? ` (skipped: ${skipped})` : ''}`;
}
