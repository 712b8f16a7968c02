/**
 * WebGPU for Node hosts (the CLI, tests): puts `navigator.gpu` and the WebGPU constants (GPUBufferUsage, GPUMapMode, …)
 * from the `webgpu` package (Dawn's Node bindings) on globalThis, so the backend ladder (src/platform/backend.ts) can try its
 * WebGPU rung outside a browser. Node-only, so it lives with the CLI: core and the worker bundles never import it.
 *
 * On Linux Dawn reaches the GPU through Vulkan: it dlopens `libvulkan.so.1` (the loader; Debian's `libvulkan1`) and
 * the loader reads the drivers' ICD manifests. A machine without a GPU has no driver, so unless the user chose the
 * drivers (VK_ICD_FILENAMES, VK_DRIVER_FILES or VK_ADD_DRIVER_FILES) the SwiftShader ICD that Debian's chromium ships
 * is *added* to the system's drivers while Dawn enumerates them. Dawn ranks CPU adapters after discrete and integrated
 * GPUs, so a machine with a GPU still gets the real one. The dynamic linker reads LD_LIBRARY_PATH only when Node
 * starts, so Chromium's own copy of the loader (/usr/lib/chromium/libvulkan.so.1) is used only when Node was started
 * with LD_LIBRARY_PATH=/usr/lib/chromium; otherwise the system's loader must be installed.
 *
 * Expected failures (package not installed, no loader, no adapter) are reasons, never exceptions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { err, ok, type Result } from '../core/util/result';
import {
  adapterFacts,
  adapterName,
  isSoftwareAdapter,
  softwareReason as softwareAdapterReason,
} from '../platform/gpuInfo';

/** The SwiftShader (software Vulkan) driver manifest of Debian's chromium package. */
export const CHROMIUM_SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface NodeGpu {
  /** Adapter as Dawn describes it, e.g. "google swiftshader (SwiftShader driver 5.0.0)". */
  adapter: string;
  /** A CPU (fallback) adapter such as SwiftShader: functional, much slower than a GPU. */
  software: boolean;
  /** The ICD manifest added for the search, or null when the system's drivers were used as they are. */
  addedIcd: string | null;
}

export interface NodeWebgpuOptions {
  /** Accept a software adapter (default true). False: report it as a reason and install nothing. */
  allowSoftware?: boolean;
  /** Driver manifest to add when the user chose none (default: Chromium's SwiftShader). */
  icd?: string;
  /** Dawn toggles for `create`, e.g. ['enable-dawn-features=…']; none are needed for tfjs. */
  flags?: string[];
}

type WebgpuModule = { create(flags: string[]): GPU; globals: object };

const DRIVER_ENV = ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'VK_ADD_DRIVER_FILES'] as const;

/** What this module put on globalThis: navigator itself (Node 20 has none), only navigator.gpu, or nothing. */
let installed: { info: NodeGpu; added: 'navigator' | 'gpu' | 'nothing' } | null = null;

/** Whether the dynamic linker can find the Vulkan loader: LD_LIBRARY_PATH, the trusted directories, ld.so.cache. */
function vulkanLoaderFound(): boolean {
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    '/lib64',
    '/usr/lib64',
    '/lib',
    '/usr/lib',
  ];
  const multiarch = process.arch === 'x64' ? 'x86_64-linux-gnu' : process.arch === 'arm64' ? 'aarch64-linux-gnu' : null;
  if (multiarch) dirs.push(`/lib/${multiarch}`, `/usr/lib/${multiarch}`);
  if (dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')))) return true;
  try {
    return readFileSync('/etc/ld.so.cache').includes('libvulkan.so.1');
  } catch {
    return false;
  }
}

function describe(a: GPUAdapter): NodeGpu {
  const facts = adapterFacts(a as unknown as Parameters<typeof adapterFacts>[0]);
  return { adapter: adapterName(facts), software: isSoftwareAdapter(facts), addedIcd: null };
}

/** Runs `f` with `env` set, then puts the previous values back (the loader reads them when Dawn enumerates). */
async function withEnv<T>(env: Record<string, string>, f: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await f();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/**
 * Installs `navigator.gpu` from the `webgpu` package when an adapter is found; the reason otherwise. Idempotent:
 * later calls return the installed adapter. Import the WebGPU backend only after this (it registers itself only when
 * `navigator.gpu` exists at import); pickBackend imports it lazily, so calling this before pickBackend is enough.
 */
export async function installNodeWebgpu(opts: NodeWebgpuOptions = {}): Promise<Result<NodeGpu, 'no-webgpu'>> {
  if (installed) {
    if (installed.info.software && opts.allowSoftware === false)
      return err('no-webgpu', softwareReason(installed.info));
    return ok(installed.info);
  }
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) {
    // Someone else's WebGPU (a runtime that has it, or a test double): use it as it is, never take it away.
    const adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
    if (!adapter) return err('no-webgpu', 'no WebGPU adapter from the navigator.gpu already present');
    const info = describe(adapter);
    if (info.software && opts.allowSoftware === false) return err('no-webgpu', softwareReason(info));
    installed = { info, added: 'nothing' };
    return ok(info);
  }
  let mod: WebgpuModule;
  try {
    mod = (await import('webgpu')) as unknown as WebgpuModule;
  } catch (e) {
    return err(
      'no-webgpu',
      `the 'webgpu' package (Dawn for Node) could not be loaded: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
    );
  }
  const linux = process.platform === 'linux';
  if (linux && !vulkanLoaderFound()) {
    return err(
      'no-webgpu',
      "libvulkan.so.1 (the Vulkan loader) is not on the library path: install Debian's libvulkan1, or start Node with LD_LIBRARY_PATH=/usr/lib/chromium",
    );
  }
  const icd = opts.icd ?? CHROMIUM_SWIFTSHADER_ICD;
  const userChoseDrivers = DRIVER_ENV.some((k) => process.env[k]);
  // Loaders older than 1.3.234 ignore VK_ADD_DRIVER_FILES; VK_ICD_FILENAMES (replacing the drivers) is the retry.
  const attempts: Record<string, string>[] =
    !linux || userChoseDrivers || !existsSync(icd) ? [{}] : [{ VK_ADD_DRIVER_FILES: icd }, { VK_ICD_FILENAMES: icd }];
  for (const env of attempts) {
    const gpu = mod.create(opts.flags ?? []);
    const adapter = await withEnv(env, () => gpu.requestAdapter({ powerPreference: 'high-performance' })).catch(
      () => null,
    );
    if (!adapter) continue;
    const info: NodeGpu = { ...describe(adapter), addedIcd: Object.values(env)[0] ?? null };
    if (info.software && opts.allowSoftware === false) return err('no-webgpu', softwareReason(info));
    for (const [k, v] of Object.entries(mod.globals))
      if (!(k in globalThis)) Object.defineProperty(globalThis, k, { value: v, configurable: true, writable: true });
    if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true, writable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    installed = { info, added: nav ? 'gpu' : 'navigator' };
    return ok(info);
  }
  const drivers = userChoseDrivers
    ? `the Vulkan drivers named by ${DRIVER_ENV.filter((k) => process.env[k]).join(', ')}`
    : existsSync(icd)
      ? `the system's Vulkan drivers or SwiftShader (${icd})`
      : `the system's Vulkan drivers (no SwiftShader: ${icd} is missing; Debian's chromium package has it)`;
  return err('no-webgpu', `no WebGPU adapter: Dawn found none among ${linux ? drivers : "this platform's GPUs"}`);
}

const softwareReason = (info: NodeGpu) => softwareAdapterReason(info.adapter);

/**
 * Takes `navigator.gpu` away again (tests). The package's README warns that Node may not exit while Dawn's instance
 * is reachable; with tfjs on SwiftShader both the CLI and vitest exit either way, so this is for tidiness. Switch
 * tfjs off the WebGPU backend and destroy its device first.
 */
export function uninstallNodeWebgpu(): void {
  if (!installed) return;
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (installed.added === 'navigator') delete g.navigator;
  else if (installed.added === 'gpu' && g.navigator) delete g.navigator.gpu;
  installed = null;
}
