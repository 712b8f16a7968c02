import * as Comlink from 'comlink';
import { dataApi } from './data.api';
import { createWorkspaceStore } from './workspace';
import { workerPartReader } from './ingestPart.client';

dataApi.configure({ workspace: createWorkspaceStore(), partReader: workerPartReader() });
Comlink.expose(dataApi);
