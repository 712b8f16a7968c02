/// <reference types="vitest/config" />
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

export default defineConfig({
  plugins: [react(), csp],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  preview: { port: 4173, strictPort: true },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'workers/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
