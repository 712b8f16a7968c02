/**
 * MovieLens latest-small for tests (Vitest and Playwright), read in place from ../shared/data beside the repository:
 * its license forbids copying it into the project. Where it is absent (a clone of the project alone) the test is
 * skipped with one line that says which file is missing and how to get it (`npm run data`, scripts/data.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file is src/testing/sharedData.ts. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where the MovieLens latest-small files are read from (and where `npm run data` puts them). */
export const MOVIELENS_DIR = join(REPO_ROOT, '..', 'shared', 'data', 'ml-latest-small');

export type MovieLensFile = 'ratings.csv' | 'movies.csv' | 'ratings.dat' | 'README.txt';

/** Why the tests cannot read `files` (one line), or null when they are all there. */
export function movieLensMissing(files: readonly MovieLensFile[]): string | null {
  const gone = files.filter((f) => !existsSync(join(MOVIELENS_DIR, f)));
  if (gone.length === 0) return null;
  return `MovieLens latest-small is missing (../shared/data/ml-latest-small/${gone.join(', ')}): run \`npm run data\` to download it`;
}

/** `skip(condition, note)` of a Vitest test context or of Playwright's `test`. */
export type Skip = (condition: boolean, note: string) => void;

/**
 * The MovieLens folder for a test that reads `files`; skips the test (saying why) when one is missing. Vitest:
 * `it('…', ({ skip }) => { const dir = movieLens(skip, 'ratings.csv'); … })`; Playwright: `movieLens(test.skip, …)`.
 */
export function movieLens(skip: Skip, ...files: MovieLensFile[]): string {
  const why = movieLensMissing(files);
  skip(why !== null, why ?? '');
  return MOVIELENS_DIR;
}
