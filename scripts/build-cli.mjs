// Builds the `rimw` CLI (src/cli/main.ts) ahead of time into plain ES modules in dist-cli/, so that bin/rimw.js
// starts without compiling TypeScript. Packages stay imports of node_modules; each `import()` in the sources becomes
// its own chunk, so what a command loads lazily (tfjs, the sequence models) is read only when it runs. Also writes
// dist-cli/inputs.json (the source files and the build's start time), from which bin/rimw.js tells a stale build.
// Run by `npm ci` and `npm install` (the `prepare` script) and by `npm run build:cli`; needs no network.
// `--outdir DIR` builds elsewhere (the bin's test), with the manifest's paths still relative to the repository.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function buildCli(outdir = join(root, 'dist-cli')) {
  const { build } = await import('esbuild');
  const builtAt = Date.now();
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    // The replica threads of data-parallel training (src/cli/replicaPool.ts) start from their own entry.
    entryPoints: ['src/cli/main.ts', 'src/cli/replicaWorker.ts'],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs).sort();
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, 'inputs.json'), JSON.stringify({ builtAt, inputs }) + '\n');
  return inputs.length;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--outdir');
  const outdir = i > 0 ? resolve(process.argv[i + 1]) : undefined;
  try {
    const n = await buildCli(outdir);
    console.log(`rimw: built ${outdir ?? 'dist-cli/'} from ${n} source files`);
  } catch (e) {
    // An install without dev dependencies (`npm ci --omit=dev`) has no esbuild: the bin then runs the sources.
    if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes("'esbuild'")) throw e;
    console.warn('rimw: esbuild is not installed, so dist-cli/ is not built; rimw will run the sources through tsx.');
  }
}
