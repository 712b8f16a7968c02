import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from './commands/index';

const repo = resolve(__dirname, '../..');
const node = (args: string[], cwd?: string) => spawnSync(process.execPath, args, { encoding: 'utf8', cwd });

/** Every module specifier reached from `file` through static imports (not `import()`), following the build's own files. */
function staticImports(file: string, seen = new Set<string>()): string[] {
  const out: string[] = [];
  if (seen.has(file)) return out;
  seen.add(file);
  for (const m of readFileSync(file, 'utf8').matchAll(/^import\s(?:[^;]*?\sfrom\s)?"([^"]+)";/gms)) {
    const spec = m[1];
    if (spec.startsWith('.')) out.push(...staticImports(resolve(dirname(file), spec), seen));
    else out.push(spec);
  }
  return out;
}

describe('bin/rimw.js', () => {
  it('runs the build of scripts/build-cli.mjs; without it or when it is stale, the sources through tsx, saying so', () => {
    // A copy of the package's layout (bin/, dist-cli/, package.json; src/ and node_modules/ linked), so the test
    // builds and runs the bin without touching the checkout's own dist-cli/.
    const pkg = mkdtempSync(join(tmpdir(), 'rimw-bin-'));
    mkdirSync(join(pkg, 'bin'));
    copyFileSync(join(repo, 'bin/rimw.js'), join(pkg, 'bin/rimw.js'));
    copyFileSync(join(repo, 'package.json'), join(pkg, 'package.json'));
    for (const d of ['src', 'node_modules']) symlinkSync(join(repo, d), join(pkg, d), 'dir');
    const build = node([join(repo, 'scripts/build-cli.mjs'), '--outdir', join(pkg, 'dist-cli')]);
    expect(build.status, build.stderr).toBe(0);

    // `rimw --help` starts fast: nothing main.js imports statically reaches tfjs (a CommonJS package, lexed at load).
    expect(staticImports(join(pkg, 'dist-cli/main.js')).filter((s) => s.startsWith('@tensorflow/'))).toEqual([]);

    const built = node([join(pkg, 'bin/rimw.js'), '--help']);
    expect(built.status, built.stderr).toBe(0);
    expect(built.stderr).toBe('');
    for (const c of commands) expect(built.stdout).toMatch(new RegExp(`^  ${c.name} +\\S`, 'm'));
    expect(built.stdout).toMatch(/^rimw inspect FILE \[--items META\] \[--json\]$/m);
    // Bad usage: exit 2 with the command's usage on stderr.
    const bad = node([join(pkg, 'bin/rimw.js'), 'inspect', '--bogus']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^rimw inspect: unknown option --bogus\n\nrimw inspect FILE/);

    // A command through the built bin: inspect reads a small log (two users, three items, one unparsable row).
    const log = join(pkg, 'log.csv');
    writeFileSync(log, 'user,item,time\nu1,a,1\nu1,b,2\nu2,a,3\nu2,c,oops\n');
    const ins = node([join(pkg, 'bin/rimw.js'), 'inspect', log, '--json']);
    expect(ins.status, ins.stderr).toBe(0);
    expect(ins.stderr).toBe('');
    const j = JSON.parse(ins.stdout);
    expect([j.rowsRead, j.events, j.skipped, j.users, j.items]).toEqual([4, 3, 1, 2, 2]);
    expect(j.problems).toEqual([{ line: 5, reason: 'unparsable-time', text: 'u2,c,oops' }]);

    // A build older than a source file it was made from: the sources run instead.
    const manifest = join(pkg, 'dist-cli/inputs.json');
    writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), builtAt: 0 }));
    const stale = node([join(pkg, 'bin/rimw.js'), '--help']);
    expect(stale.status).toBe(0);
    expect(stale.stderr).toMatch(/^rimw: src\/\S+ changed after dist-cli\/ was built; running the sources through tsx/);
    expect(stale.stdout).toBe(built.stdout);

    rmSync(join(pkg, 'dist-cli'), { recursive: true });
    const missing = node([join(pkg, 'bin/rimw.js'), '--help']);
    expect(missing.status).toBe(0);
    expect(missing.stderr).toMatch(/^rimw: dist-cli\/ is missing; running the sources through tsx/);
    expect(missing.stdout).toBe(built.stdout);
  }, 120_000);

  it('lists each command under the name its module gives it', async () => {
    for (const c of commands) expect((await c.load()).name).toBe(c.name);
  });
});
