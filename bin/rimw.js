#!/usr/bin/env node
// Runs the CLI as scripts/build-cli.mjs built it in dist-cli/ (`npm ci` builds it). Without that build, or when a
// source file changed after it, runs the TypeScript sources through tsx instead, which starts several times slower.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Null when dist-cli/ is current, otherwise why not. Stats each source file of the build (a few ms). */
function staleReason() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(`${root}dist-cli/inputs.json`, 'utf8'));
  } catch {
    return 'dist-cli/ is missing';
  }
  for (const f of manifest.inputs) {
    let mtime;
    try {
      mtime = statSync(root + f).mtimeMs;
    } catch {
      return `${f}, which it was built from, is gone`;
    }
    if (mtime > manifest.builtAt) return `${f} changed after dist-cli/ was built`;
  }
  return null;
}

const stale = staleReason();
if (stale === null) {
  await import('../dist-cli/main.js');
} else {
  console.error(`rimw: ${stale}; running the sources through tsx (slower start). \`npm run build:cli\` rebuilds it.`);
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
