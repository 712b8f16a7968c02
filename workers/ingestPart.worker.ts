import * as Comlink from 'comlink';
import { ingestPartApi, partBuffers } from './ingestPart.api';
import { warmUpParser } from '../src/core/data/ingest';

// The part's arrays leave by transfer (never copied).
Comlink.expose({
  async read(...args: Parameters<typeof ingestPartApi.read>) {
    const part = await ingestPartApi.read(...args);
    return Comlink.transfer(part, partBuffers(part));
  },
});

// Started ahead of a read (warm()): compile the part reader's optimised code meanwhile (core/data/ingest/warmUp.ts).
setTimeout(() => warmUpParser('part'), 0);
