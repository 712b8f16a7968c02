/**
 * A warm-up read for the parser. V8 compiles a function's optimised code only after it has run a while, so the first
 * file a fresh worker reads is parsed by slower code: in Chromium's workers (2026-12-04, the 24 MB bench file) a cold
 * read took 120-210 ms where the same read after parsing 20,000 generated lines took 95-115 ms. A worker runs this
 * when it is idle, so that the user's first file meets optimised code.
 */
import type { Dataset } from '../types';
import { Ingest } from './ingest';

/** Generated interaction lines (MovieLens ratings.csv columns), other ids than any real file needs. */
function sampleCsv(lines: number, header: boolean): Uint8Array {
  const rows: string[] = header ? ['userId,movieId,rating,timestamp'] : [];
  for (let i = 0; i < lines; i++)
    rows.push(`${(i * 7919) % 5003},${(i * 104_729) % 9001},${(i % 10) / 2 + 0.5},${1_000_000_000 + i * 37}`);
  // ASCII only, so one byte per character (core has no TextEncoder: it is typed without the DOM).
  const text = rows.join('\n') + '\n';
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Reads `lines` generated lines `rounds` times, as a whole file (`file`: detection, then the event columns and the
 * dataset build) or as a later part of one (`part`: the second reader's path). Returns the events of the last round
 * and, for a whole file, its dataset (the caller may warm what follows a read, e.g. the summary, on it).
 */
export function warmUpParser(
  mode: 'file' | 'part' = 'file',
  lines = 20_000,
  rounds = 2,
): { events: number; dataset: Dataset | null } {
  const bytes = sampleCsv(lines, mode === 'file');
  let events = 0;
  let dataset: Dataset | null = null;
  for (let r = 0; r < rounds; r++) {
    const ing =
      mode === 'part'
        ? new Ingest(undefined, {
            part: { delimiter: ',', columns: { user: 0, item: 1, value: 2, time: 3 }, expected: 4 },
            sizeHint: bytes.length,
          })
        : new Ingest(undefined, { sizeHint: bytes.length });
    // Chunks as a File stream hands them over (several per read).
    for (let i = 0; i < bytes.length; i += 1 << 16) ing.push(bytes.subarray(i, i + (1 << 16)));
    if (mode === 'part') events = ing.endPart().user.length;
    else {
      const res = ing.finish();
      dataset = res.ok ? res.dataset : null;
      events = dataset ? dataset.user.length : 0;
    }
  }
  return { events, dataset };
}
