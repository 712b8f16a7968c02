/**
 * Global setup of Vitest and Playwright: one line before the tests when MovieLens latest-small is absent, so that a
 * run on a clone of the project alone says why its MovieLens tests are skipped (each skip names the file too).
 */
import { movieLensMissing } from './sharedData';

export default function sharedDataNotice(): void {
  const why = movieLensMissing(['ratings.csv', 'movies.csv', 'ratings.dat']);
  if (why) console.warn(`Tests that read MovieLens are skipped: ${why}.`);
}
