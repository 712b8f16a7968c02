/** The tfjs backends `rimw run --backend` takes (in a module of its own: `rimw --help` prints them without loading the ladder). */
export const BACKEND_PREFS = ['cpu', 'wasm', 'webgpu', 'auto'] as const;
export type BackendPref = (typeof BACKEND_PREFS)[number];
