import * as Comlink from 'comlink';
import { plannerApi } from './planner.api';

Comlink.expose(plannerApi);
