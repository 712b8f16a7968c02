/**
 * The second reader of a large file: the data worker streams the first half of a file through its Ingest while this
 * worker, which it starts, streams the second half through another, with the first half's settings; the data worker
 * then absorbs this part (core/data/ingest: IngestPart). On two cores it is not twice as fast (the browser process
 * feeding both File streams shares the cores; docs/benchmarks.md, ingest, has the figures).
 * Importable in Node tests; ingestPart.worker.ts only exposes it.
 */
import { Ingest, partBuffers, type IngestPart, type PartSettings } from '../src/core/data/ingest';

/** What the data worker needs of a part reader: a worker in the browser, this API itself in Node tests. */
export interface PartReader {
  /** Reads `blob` (a later part of a file, starting at a line start) as a part; resolves with its arrays. */
  read(blob: Blob, settings: PartSettings): Promise<IngestPart>;
  /** Stops a read in progress (a cancelled load): the browser's reader terminates its worker. */
  stop(): void;
  /** Starts what a read needs (the worker) ahead of time. */
  warm?(): void;
}

/**
 * Streams a Blob's chunks into `push` in order, the next chunk asked for before this one is pushed (so reading
 * overlaps parsing); stops when `push` answers false. File.stream() it is: in Chromium's workers, reading slices of
 * 1 or 4 MiB, or the whole file in one arrayBuffer(), and parsing those took longer (bench ingest, 2026-11-23).
 */
export async function readBlob(blob: Blob, push: (chunk: Uint8Array) => boolean | Promise<boolean>): Promise<boolean> {
  const reader = blob.stream().getReader();
  let pending = reader.read();
  for (;;) {
    const { done, value } = await pending;
    if (done) return true;
    pending = reader.read();
    if (!(await push(value))) {
      await reader.cancel();
      return false;
    }
  }
}

export const ingestPartApi = {
  async read(blob: Blob, settings: PartSettings): Promise<IngestPart> {
    const ingest = new Ingest(undefined, { part: settings, sizeHint: blob.size });
    await readBlob(blob, (chunk) => (ingest.push(chunk), true));
    return ingest.endPart();
  },
};

export { partBuffers };
export type IngestPartApi = typeof ingestPartApi;
