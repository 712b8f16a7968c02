/**
 * `npm run data`: fetches MovieLens latest-small from GroupLens into ../shared/data/ml-latest-small/ beside the
 * repository, where the tests and benchmarks read it (src/testing/sharedData.ts). Never into the repository: the
 * data set's license allows redistribution only under its own terms, so the project does not ship it.
 *
 * The zip is checked against the MD5 that GroupLens publishes beside it (ml-latest-small.zip.md5). It is not pinned
 * here: latest-small is a "development" data set that GroupLens may regenerate, and no stored copy of its checksum
 * was found to pin. Then ratings.csv, movies.csv and README.txt are unzipped, and ratings.dat is written from
 * ratings.csv in the MovieLens-1M style (`user::item::rating::time`, CRLF lines, no header) for the `::` tests.
 *
 * Usage: npm run data [-- --zip FILE] [--out DIR] [--force]
 *   --zip FILE  a zip downloaded by hand (checked against FILE.md5 when that is beside it, else the published MD5)
 *   --out DIR   where to put the files (default ../shared/data/ml-latest-small); must lie outside the repository
 *   --force     replace files already there
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { MOVIELENS_DIR, REPO_ROOT } from '../src/testing/sharedData';

export const ZIP_URL = 'https://files.grouplens.org/datasets/movielens/ml-latest-small.zip';
export const MD5_URL = `${ZIP_URL}.md5`;
/** The files taken from the zip (it also holds links.csv and tags.csv, which nothing here reads). */
export const ZIP_FILES = ['ratings.csv', 'movies.csv', 'README.txt'] as const;

export const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

/** The digest in a GroupLens .md5 file ("MD5 (ml-latest-small.zip) = <hex>") or in md5sum's "<hex>  name" form. */
export function parseMd5File(text: string): string | null {
  const m = /\b([0-9a-f]{32})\b/i.exec(text);
  return m ? m[1].toLowerCase() : null;
}

/** ratings.csv (header userId,movieId,rating,timestamp) as MovieLens-1M's ratings.dat: `::` fields, CRLF lines. */
export function ratingsDat(ratingsCsv: string): string {
  const lines = ratingsCsv.split(/\r?\n/).slice(1);
  let out = '';
  for (const line of lines) if (line) out += `${line.split(',').join('::')}\r\n`;
  return out;
}

/**
 * Checks the zip against `expectedMd5`, then returns the files to write by name; throws with what is wrong (checksum
 * mismatch, a file missing from the zip, a zip that does not open).
 */
export function unpackMovieLens(zip: Uint8Array, expectedMd5: string): Map<string, Uint8Array> {
  const got = md5(zip);
  if (got !== expectedMd5.toLowerCase())
    throw new Error(`the zip's MD5 is ${got}, GroupLens publishes ${expectedMd5}: a broken or changed download`);
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip, { filter: (f) => ZIP_FILES.some((n) => f.name === `ml-latest-small/${n}`) });
  } catch (e) {
    throw new Error(`the zip does not open: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const files = new Map<string, Uint8Array>();
  for (const n of ZIP_FILES) {
    const b = entries[`ml-latest-small/${n}`];
    if (!b) throw new Error(`ml-latest-small/${n} is not in the zip`);
    files.set(n, b);
  }
  files.set('ratings.dat', new TextEncoder().encode(ratingsDat(new TextDecoder().decode(files.get('ratings.csv')))));
  return files;
}

/** Whether `dir` lies inside the repository (where the data must never go). */
export function insideRepo(dir: string): boolean {
  const r = relative(REPO_ROOT, resolve(dir));
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

async function fetchBytes(url: string, get: typeof fetch): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await get(url);
  } catch (e) {
    const cause = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
    throw new Error(`cannot download ${url} (${cause})`, { cause: e });
  }
  if (!res.ok) throw new Error(`cannot download ${url} (HTTP ${res.status})`);
  return new Uint8Array(await res.arrayBuffer());
}

export interface DataOptions {
  zip?: string;
  out?: string;
  force?: boolean;
  /** The HTTP client (tests pass a fake). */
  get?: typeof fetch;
  log?: (line: string) => void;
}

/** Fetches (or reads), checks and unpacks the data set; resolves with the folder written, throws saying what failed. */
export async function fetchMovieLens(o: DataOptions = {}): Promise<string> {
  const out = resolve(o.out ?? MOVIELENS_DIR);
  const log = o.log ?? (() => {});
  const get = o.get ?? fetch;
  if (insideRepo(out))
    throw new Error(
      `${out} is inside the repository; MovieLens may not be redistributed with it: choose --out outside`,
    );
  const names = [...ZIP_FILES, 'ratings.dat'];
  if (!o.force && names.every((n) => existsSync(join(out, n)))) {
    log(`MovieLens latest-small is already in ${out} (--force replaces it)`);
    return out;
  }
  let zip: Uint8Array;
  let expected: string | null;
  if (o.zip) {
    zip = new Uint8Array(readFileSync(o.zip));
    const beside = `${o.zip}.md5`;
    expected = parseMd5File(
      existsSync(beside) ? readFileSync(beside, 'utf8') : new TextDecoder().decode(await fetchBytes(MD5_URL, get)),
    );
  } else {
    log(`downloading ${ZIP_URL} and its MD5`);
    expected = parseMd5File(new TextDecoder().decode(await fetchBytes(MD5_URL, get)));
    zip = await fetchBytes(ZIP_URL, get);
  }
  if (!expected) throw new Error(`no MD5 digest in ${MD5_URL}`);
  const files = unpackMovieLens(zip, expected);
  mkdirSync(out, { recursive: true });
  for (const [n, b] of files) writeFileSync(join(out, n), b);
  log(`MovieLens latest-small (MD5 ${expected}): ${names.join(', ')} in ${out}`);
  return out;
}

function parseArgs(argv: string[]): DataOptions {
  const o: DataOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--force') o.force = true;
    else if ((a === '--zip' || a === '--out') && argv[i + 1] !== undefined)
      o[a === '--zip' ? 'zip' : 'out'] = argv[++i];
    else throw new Error(`unknown argument '${a}' (usage: npm run data [-- --zip FILE] [--out DIR] [--force])`);
  }
  return o;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await fetchMovieLens({ ...parseArgs(process.argv.slice(2)), log: (l) => console.log(l) });
  } catch (e) {
    console.error(`npm run data: ${e instanceof Error ? e.message : String(e)}`);
    console.error(
      `Without access to files.grouplens.org, download ${ZIP_URL} (and ${MD5_URL}) elsewhere and run: npm run data -- --zip ml-latest-small.zip`,
    );
    process.exitCode = 1;
  }
}
