/**
 * Whether a GPU backend would run on a software rasteriser (SwiftShader, llvmpipe, WARP, …): such an adapter passes
 * the self-test but trains 30-100× slower than WASM here (bench train-ui), so the ladder's "auto" passes over it and
 * only a backend asked for by name takes it. No tfjs and no DOM here: the CLI (Dawn in Node) and the workers share it.
 */

/** Names software renderers go by in adapter info (WebGPU) and unmasked renderer strings (WebGL). */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|\bwarp\b|microsoft basic render|software/i;

export interface GpuAdapterFacts {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** WebGPU's own flag for an adapter of last resort (info.isFallbackAdapter, formerly on the adapter). */
  isFallbackAdapter?: boolean;
}

/** What a WebGPU adapter says of itself (GPUAdapterInfo's fields are getters on its prototype: copied one by one). */
export function adapterFacts(a: { info?: GpuAdapterFacts; isFallbackAdapter?: boolean }): GpuAdapterFacts {
  const i = a.info ?? {};
  return {
    vendor: i.vendor,
    architecture: i.architecture,
    device: i.device,
    description: i.description,
    isFallbackAdapter: i.isFallbackAdapter ?? a.isFallbackAdapter,
  };
}

/** How an adapter reads in a message: "vendor architecture (description)". */
export function adapterName(info: GpuAdapterFacts): string {
  const name = [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  return info.description ? `${name} (${info.description})` : name;
}

/** True for a fallback adapter or one whose names say it is a software renderer. */
export function isSoftwareAdapter(info: GpuAdapterFacts): boolean {
  if (info.isFallbackAdapter) return true;
  return SOFTWARE_RENDERER.test(
    [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' '),
  );
}

/** True when a WebGL unmasked renderer string (WEBGL_debug_renderer_info) names a software renderer. */
export const isSoftwareRenderer = (renderer: string): boolean => SOFTWARE_RENDERER.test(renderer);

/** Why a software adapter was passed over, and how to use it anyway. */
export const softwareReason = (what: string): string =>
  `only a software adapter (${what}), far slower than WASM (choose this backend by name to use it anyway)`;
