import * as Comlink from 'comlink';
import { dataApi } from './data.api';
import { createWorkspaceStore } from './workspace';
import { workerPartReader } from './ingestPart.client';

// The warm-up waits out the page's start (synthetic world, quick models, planner sweep).
dataApi.configure({ workspace: createWorkspaceStore(), partReader: workerPartReader(), warmUpAfterMs: 3000 });
Comlink.expose(dataApi);
