import * as Comlink from 'comlink';
import { ingestPartApi, partBuffers } from './ingestPart.api';

// The part's arrays leave by transfer (never copied).
Comlink.expose({
  async read(...args: Parameters<typeof ingestPartApi.read>) {
    const part = await ingestPartApi.read(...args);
    return Comlink.transfer(part, partBuffers(part));
  },
});
