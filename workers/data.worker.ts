import * as Comlink from 'comlink';
import { dataApi } from './data.api';
import { createWorkspaceStore } from './workspace';
import { workerPartReader } from './ingestPart.client';

// The warm-up waits out the page's start (synthetic world, quick models, the first model's planner sweep): this worker
// starts about 0.4 s after navigation, before the page's UI has rendered.
dataApi.configure({ workspace: createWorkspaceStore(), partReader: workerPartReader(), warmUpAfterMs: 4000 });
Comlink.expose(dataApi);
