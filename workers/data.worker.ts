import * as Comlink from 'comlink';
import { dataApi } from './data.api';

Comlink.expose(dataApi);
