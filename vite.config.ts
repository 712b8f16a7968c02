/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// The built app may talk to its own origin only: a user's data never leaves the browser (e2e/csp.spec.ts checks
// the policy and that the page raises no violation). Dev mode skips it because Vite's hot reload injects inline
// scripts. style-src needs no 'unsafe-inline': plotly adds one empty <style> element and fills it through the CSSOM
// (insertRule, which CSP allows); the hash is that of the empty text, so it admits empty style elements only.
const EMPTY_STYLE = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";
const csp: Plugin = {
  name: 'rimw-csp',
  apply: 'build',
  transformIndexHtml: (html) =>
    html.replace(
      '<!--csp-->',
      `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; connect-src 'self' blob: data:; img-src 'self' data: blob:; style-src 'self' ${EMPTY_STYLE}; font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'">`,
    ),
};

// Cross-origin isolation: with these two headers the page and its workers get SharedArrayBuffer, which the tfjs WASM
// backend's threaded SIMD build needs to train on every core (without them it runs one thread). The app loads nothing
// from other origins, so requiring CORP of cross-origin resources costs nothing. A static host must send the same two
// headers (README: "Hosting the built app").
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

// tfjs-backend-wasm starts its threaded build's thread workers from the text of its Emscripten factory
// (`factory.toString()` in a blob), so that function must not depend on anything outside it. It reads one outer
// variable, `_scriptDir`, behind a `typeof` guard; the minifier renames it and drops the guard (it sees the outer
// declaration), and each thread then fails with "ReferenceError: e is not defined", which leaves WASM on one thread.
// Both reads are unneeded here (tfjs passes every file's URL itself), so they are taken out before bundling.
// tfjs also caps any thread count it is given at half of navigator.hardwareConcurrency (assuming two hyperthreads per
// core), so `?wasmThreads=2` ran one thread on 2 cores; the cap becomes the logical core count (still at most tfjs's
// 8). The default stays tfjs's, half the logical cores (src/platform/backend.ts sets it explicitly). Fails the build if
// tfjs's file changes shape, rather than shipping a backend whose threads cannot start unnoticed.
const WASM_THREAD_FACTORY = /@tensorflow\/tfjs-backend-wasm\/wasm-out\/tfjs-backend-wasm-threaded-simd\.js$/;
const SCRIPT_DIR_READS: [string, string][] = [
  ['if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}', ''],
  ['"urlOrBlob":Module["mainScriptUrlOrBlob"]||_scriptDir,', '"urlOrBlob":Module["mainScriptUrlOrBlob"],'],
  ['return navigator["hardwareConcurrency"]}', 'return 2*navigator["hardwareConcurrency"]}'],
];
const wasmThreads: Plugin = {
  name: 'rimw-wasm-threads',
  transform(code, id) {
    if (!WASM_THREAD_FACTORY.test(id)) return null;
    let out = code;
    for (const [from, to] of SCRIPT_DIR_READS) {
      if (out.split(from).length !== 2) throw new Error(`rimw-wasm-threads: expected one \`${from}\` in ${id}`);
      out = out.replace(from, to);
    }
    return { code: out, map: null };
  },
};

// The workers import `@tensorflow/tfjs` for its side effects (gradients, CPU and WebGL backends); in the built app that
// import is served by src/platform/tfjsParts.ts, the same registrations without the layers, converter and data
// packages (two thirds of the union bundle's code, none of it used), so the run worker starts sooner.
const TFJS_PARTS = fileURLToPath(new URL('./src/platform/tfjsParts.ts', import.meta.url));
const tfjsParts: Plugin = {
  name: 'rimw-tfjs-parts',
  apply: 'build',
  enforce: 'pre',
  resolveId: (id) => (id === '@tensorflow/tfjs' ? TFJS_PARTS : null),
};

export default defineConfig({
  plugins: [react(), csp, wasmThreads, tfjsParts],
  worker: { format: 'es', plugins: () => [wasmThreads, tfjsParts] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: { headers: ISOLATION },
  // `vite dev` bundles dependencies ahead of time without the app's plugins: the thread fix goes there too.
  optimizeDeps: { rolldownOptions: { plugins: [wasmThreads] } },
  preview: { port: 4173, strictPort: true, headers: ISOLATION },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'workers/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
    globalSetup: ['src/testing/sharedDataNotice.ts'],
  },
});
