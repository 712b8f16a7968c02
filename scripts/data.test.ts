import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { fetchMovieLens, insideRepo, md5, MD5_URL, parseMd5File, ratingsDat, unpackMovieLens, ZIP_URL } from './data';
import { REPO_ROOT } from '../src/testing/sharedData';

const RATINGS = 'userId,movieId,rating,timestamp\r\n1,1,4.0,964982703\r\n1,3,4.5,964981247\r\n2,31,2.5,1260759144\r\n';
const MOVIES = 'movieId,title,genres\n1,Toy Story (1995),Adventure\n3,"Grumpier Old Men (1995)",Comedy\n';

/** A zip shaped like GroupLens's: one folder, the files the script takes and one it leaves. */
function smallZip(without?: string): Uint8Array {
  const files: Record<string, Uint8Array> = {
    'ml-latest-small/ratings.csv': strToU8(RATINGS),
    'ml-latest-small/movies.csv': strToU8(MOVIES),
    'ml-latest-small/README.txt': strToU8('Summary\n'),
    'ml-latest-small/tags.csv': strToU8('userId,movieId,tag,timestamp\n'),
  };
  if (without) delete files[`ml-latest-small/${without}`];
  return zipSync(files);
}

/** A fetch that serves `routes` by URL and fails like an offline machine for anything else. */
function fakeFetch(routes: Record<string, Uint8Array | string>): typeof fetch {
  return (async (url: string | URL) => {
    const body = routes[String(url)];
    if (body === undefined) throw new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND') });
    return new Response(typeof body === 'string' ? body : new Blob([body]));
  }) as typeof fetch;
}

describe('npm run data', () => {
  it('hashes as RFC 1321 says, and reads the digest from GroupLens .md5 files and md5sum lines', () => {
    // RFC 1321, appendix A.5: MD5("abc").
    expect(md5(strToU8('abc'))).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(parseMd5File('MD5 (ml-latest-small.zip) = 0123456789ABCDEF0123456789abcdef\n')).toBe(
      '0123456789abcdef0123456789abcdef',
    );
    expect(parseMd5File('900150983cd24fb0d6963f7d28e17f72  ml-latest-small.zip')).toBe(
      '900150983cd24fb0d6963f7d28e17f72',
    );
    expect(parseMd5File('<html>Not Found</html>')).toBeNull();
  });

  it('writes ratings.dat in the MovieLens-1M style', () => {
    expect(ratingsDat(RATINGS)).toBe('1::1::4.0::964982703\r\n1::3::4.5::964981247\r\n2::31::2.5::1260759144\r\n');
  });

  it('unpacks the three files after the checksum, and derives ratings.dat', () => {
    const zip = smallZip();
    const files = unpackMovieLens(zip, md5(zip));
    expect([...files.keys()].sort()).toEqual(['README.txt', 'movies.csv', 'ratings.csv', 'ratings.dat']);
    expect(new TextDecoder().decode(files.get('ratings.csv'))).toBe(RATINGS);
    expect(new TextDecoder().decode(files.get('movies.csv'))).toBe(MOVIES);
  });

  it('refuses a zip whose checksum differs, one without a file, and bytes that are no zip', () => {
    const zip = smallZip();
    const wrong = '0'.repeat(32);
    expect(() => unpackMovieLens(zip, wrong)).toThrow(`GroupLens publishes ${wrong}: a broken or changed download`);
    const noMovies = smallZip('movies.csv');
    expect(() => unpackMovieLens(noMovies, md5(noMovies))).toThrow('ml-latest-small/movies.csv is not in the zip');
    const junk = strToU8('<html>captive portal</html>');
    expect(() => unpackMovieLens(junk, md5(junk))).toThrow(/^the zip does not open/);
  });

  it('downloads, checks and writes the files outside the repository; says why when offline', async () => {
    const zip = smallZip();
    const out = join(mkdtempSync(join(tmpdir(), 'rimw-data-')), 'ml-latest-small');
    const get = fakeFetch({ [ZIP_URL]: zip, [MD5_URL]: `MD5 (ml-latest-small.zip) = ${md5(zip)}\n` });
    expect(await fetchMovieLens({ out, get })).toBe(out);
    expect(readFileSync(join(out, 'ratings.dat'), 'utf8')).toBe(ratingsDat(RATINGS));
    expect(readFileSync(join(out, 'README.txt'), 'utf8')).toBe('Summary\n');

    const elsewhere = join(mkdtempSync(join(tmpdir(), 'rimw-data-')), 'ml');
    await expect(fetchMovieLens({ out: elsewhere, get: fakeFetch({}) })).rejects.toThrow(
      `cannot download ${MD5_URL} (getaddrinfo ENOTFOUND)`,
    );
    expect(existsSync(elsewhere)).toBe(false);
    await expect(fetchMovieLens({ out: join(REPO_ROOT, 'data'), get })).rejects.toThrow(/inside the repository/);
    expect(insideRepo(join(REPO_ROOT, '..', 'shared', 'data'))).toBe(false);
  });

  it('takes a zip downloaded by hand, checked against the .md5 beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rimw-data-'));
    const zip = smallZip();
    writeFileSync(join(dir, 'ml.zip'), zip);
    writeFileSync(join(dir, 'ml.zip.md5'), `MD5 (ml-latest-small.zip) = ${md5(zip)}\n`);
    const out = join(dir, 'out');
    await fetchMovieLens({ zip: join(dir, 'ml.zip'), out, get: fakeFetch({}) });
    expect(readFileSync(join(out, 'movies.csv'), 'utf8')).toBe(MOVIES);
    writeFileSync(join(dir, 'ml.zip.md5'), `MD5 (ml-latest-small.zip) = ${'f'.repeat(32)}\n`);
    await expect(fetchMovieLens({ zip: join(dir, 'ml.zip'), out, force: true, get: fakeFetch({}) })).rejects.toThrow(
      /broken or changed download/,
    );
  });
});
