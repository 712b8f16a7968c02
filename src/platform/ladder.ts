/** The backend ladder's rungs, best first (no tfjs here: the page imports it to plan its fallbacks). */
export const BACKEND_LADDER: readonly string[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
