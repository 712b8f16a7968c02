/**
 * A worker thread holding one replica of a sequence model for data-parallel training (replicaPool.ts starts it; the
 * protocol is core/models/sequence/parallel.ts). It runs the backend the main thread chose (wasm or cpu), without the
 * self-test the main thread already passed on it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
// The bundle registers the gradients (tfjs-core's Node entry registers none) and the CPU backend.
import '@tensorflow/tfjs';
import { ReplicaEndpoint } from '../core/models/sequence/replica';
import type { ToReplica } from '../core/models/sequence/parallel';
import { wasmDir } from './backend';

const { backend } = workerData as { backend: 'wasm' | 'cpu' };
const port = parentPort;
if (!port) throw new Error('replicaWorker.ts runs only as a worker thread');
if (backend === 'wasm') (await import('@tensorflow/tfjs-backend-wasm')).setWasmPaths(wasmDir());
if (!(await tf.setBackend(backend))) throw new Error(`the ${backend} backend did not start in a replica thread`);
const endpoint = new ReplicaEndpoint((msg, transfer) => port.postMessage(msg, transfer));
port.on('message', (msg: ToReplica) => endpoint.handle(msg));
