/**
 * How e2e tests and page benches start Chromium: Debian's build, never a downloaded browser, with one set of flags.
 * - The WebGPU pair gives a software adapter (SwiftShader); without --use-webgpu-adapter=swiftshader a worker's
 *   adapter request hangs.
 * - PreloadTopChromeWebUI and the WebUI omnibox popups off: headless Chromium otherwise renders the omnibox's WebUI
 *   pages in a renderer of their own while the app loads (in every new context's window), seconds of CPU that a
 *   2-core machine takes from the page under test (seen in traces of the page's first load; Chromium 156 still loaded
 *   the popups with the preload off). One --disable-features list: a second one would replace it.
 * - The rest keep a test browser from reaching the network or doing first-run work.
 * WEBGPU_ADAPTER=gpu (a machine with a GPU and its Vulkan driver) swaps the SwiftShader pair for the flags that give
 * headless Chromium the hardware adapter through Vulkan; CHROMIUM_EXTRA_ARGS (space-separated) adds flags, e.g. to
 * try another driver path. Whichever adapter results, pages say which they got (adapter info).
 */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-features=PreloadTopChromeWebUI,WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup',
  '--enable-unsafe-webgpu',
  ...(process.env.WEBGPU_ADAPTER === 'gpu'
    ? ['--enable-features=Vulkan', '--use-angle=vulkan', '--disable-vulkan-surface', '--ignore-gpu-blocklist']
    : ['--use-webgpu-adapter=swiftshader']),
  ...(process.env.CHROMIUM_EXTRA_ARGS ?? '').split(' ').filter(Boolean),
];

/** Playwright's launch options for them. */
export const chromiumLaunch = () => ({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
