// npm run bench [-- NAME ...]: runs bench/*.bench.ts (or the named ones) and rewrites their sections of
// docs/benchmarks.md, keeping the sections of benchmarks not run this time.
import { readdirSync, readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, type Bench } from './lib';

const here = dirname(fileURLToPath(import.meta.url));
const docPath = join(here, '..', 'docs', 'benchmarks.md');
const wanted = process.argv.slice(2);

const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const benches: Bench[] = [];
for (const f of files) benches.push((await import(join(here, f))).default as Bench);
const selected = wanted.length ? benches.filter((b) => wanted.includes(b.name)) : benches;
if (wanted.length && selected.length !== wanted.length) {
  console.error(`unknown bench; have: ${benches.map((b) => b.name).join(', ')}`);
  process.exit(2);
}

const HEAD =
  '# Benchmarks\n\nWritten by `npm run bench`; each section says when and where it was measured. Medians over several runs; ratios are against a baseline measured in the same run.\n';
let doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : HEAD;
for (const b of selected) {
  console.log(`bench ${b.name}: ${b.title}`);
  const body = await b.run();
  const stamp = `_Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}._`;
  const section = `<!-- bench:${b.name} -->\n## ${b.title}\n\n${stamp}\n\n${body.trim()}\n<!-- /bench:${b.name} -->`;
  const re = new RegExp(`<!-- bench:${b.name} -->[\\s\\S]*?<!-- /bench:${b.name} -->`);
  doc = re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`;
  console.log(body);
}
mkdirSync(dirname(docPath), { recursive: true });
writeFileSync(docPath, doc);
console.log(`wrote ${docPath}`);
