/**
 * Opens a TypeScript entry, bundled by esbuild, in a page of its own at http://localhost/ (a secure origin, as
 * WebGPU requires), served by routing: no server and no app build. The tfjs WASM binaries are served under /wasm/
 * from the installed package. The page is cross-origin isolated (COOP/COEP), so WASM may start its threads.
 * For page benches and e2e specs that drive code below the UI (the WebGPU kernels against the CPU results).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import type { Page } from '@playwright/test';

export const PAGE_ORIGIN = 'http://localhost';

const require = createRequire(import.meta.url);
const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));

/** Bundles `entry` (an absolute path) for the browser as one script. */
async function bundle(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'error',
    // tfjs's packages name Node modules that their browser builds never load.
    external: ['fs', 'path', 'crypto', 'os', 'worker_threads', 'perf_hooks'],
  });
  return out.outputFiles[0].text;
}

/** Serves the bundled `entry` on `page` and loads it; resolves once the script has run. */
export async function openBundle(page: Page, entry: string): Promise<void> {
  const script = await bundle(entry);
  const isolated = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
  await page.route(`${PAGE_ORIGIN}/**`, (r) => {
    const path = new URL(r.request().url()).pathname;
    if (path === '/entry.js') return r.fulfill({ contentType: 'text/javascript', body: script, headers: isolated });
    if (path.startsWith('/wasm/')) {
      const file = join(wasmDir, path.slice('/wasm/'.length).replace(/[^\w.-]/g, ''));
      return r.fulfill({ contentType: 'application/wasm', body: readFileSync(file), headers: isolated });
    }
    return r.fulfill({
      contentType: 'text/html',
      headers: isolated,
      body: '<!doctype html><meta charset="utf-8"><title>bundle</title><script src="/entry.js"></script>',
    });
  });
  await page.goto(`${PAGE_ORIGIN}/`);
}
