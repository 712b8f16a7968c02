import * as Comlink from 'comlink';
import { dataApi } from './data.api';
import { createWorkspaceStore } from './workspace';

dataApi.configure({ workspace: createWorkspaceStore() });
Comlink.expose(dataApi);
