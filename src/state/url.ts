/**
 * The one owner of the page's URL: the run config (`config`), the planner's slider settings (`planner`) and, while
 * the click-and-conversion track is shown, its run config (`ctr`) live in the hash side by side, so a reload or a shared link shows the same run and operating point; the guided tour's step
 * is the query's `?tour=N`, a short link a teacher can hand out. Every read and write of the URL goes through here; a
 * write replaces its one parameter in place (no history entry per edit).
 */
import type { RunConfig } from '../core/pipeline/config';
import type { PlannerPassMode } from '../bridge/planner';
import { hashParam, readConfigHash, readJsonHash, withHashParam, writeConfigHash } from './urlHash';

/** The hash parameters the page owns. */
export type UrlParam = 'config' | 'planner' | 'ctr';

/** The parameter's value in the current URL, or null when absent. */
export const readUrlParam = (name: UrlParam): string | null => hashParam(window.location.hash, name);

const replaceHash = (hash: string) => window.history.replaceState(null, '', hash);

/** Sets (or, with null, removes) one parameter of the URL hash, keeping the others. */
export function writeUrlParam(name: UrlParam, value: string | null): void {
  replaceHash(withHashParam(window.location.hash, name, value));
}

/** The run config of the URL as parsed JSON (null when absent), not yet validated. */
export const readUrlConfig = (): ReturnType<typeof readConfigHash> => readConfigHash(window.location.hash);

/** A parameter of the URL as parsed JSON (null when absent), not yet validated. */
export const readUrlJson = (name: UrlParam): ReturnType<typeof readJsonHash> =>
  readJsonHash(window.location.hash, name);

/** Writes the run config into the URL. */
export function writeUrlConfig(config: RunConfig): void {
  replaceHash(writeConfigHash(window.location.hash, config));
}

/**
 * Threads for the WASM backend from the page address's query (`?wasmThreads=2`, 1 to 64), for benchmarks and for a
 * user who wants cores left free; undefined (tfjs's default: one per core) when absent or not such a number.
 */
export function readWasmThreads(): number | undefined {
  const v = new URLSearchParams(window.location.search).get('wasmThreads');
  const n = v === null ? NaN : Number(v);
  return Number.isInteger(n) && n >= 1 && n <= 64 ? n : undefined;
}

/**
 * Where the planner's offline Dual may run its passes, from the query's `?plannerPass=` (auto, webgpu, cpu): 'webgpu'
 * takes a software adapter too (tests and benches on SwiftShader); 'auto' (default) a hardware one only.
 */
export function readPlannerPass(): PlannerPassMode {
  // No location outside a page (the store's Node tests): the default.
  const v = new URLSearchParams(globalThis.location?.search ?? '').get('plannerPass');
  return v === 'webgpu' || v === 'cpu' ? v : 'auto';
}

/** Calls `f` when the hash changes under the page (a pasted link that changes only the hash does not reload it). */
export function onUrlChange(f: () => void): void {
  window.addEventListener('hashchange', f);
}

/** The guided tour's `?tour=` value (N counts from 1), or null when absent. */
export const readTourParam = (): string | null => new URLSearchParams(window.location.search).get('tour');

/** Sets (or, with null, removes) `?tour=` and keeps the path and the hash. */
export function writeTourParam(value: string | null): void {
  const params = new URLSearchParams(window.location.search);
  if (value === null) params.delete('tour');
  else params.set('tour', value);
  const query = params.toString();
  window.history.replaceState(
    null,
    '',
    `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`,
  );
}
