// Test host for the sequence models: tfjs core with its gradients and the CPU backend. In Node, tfjs-core's main
// bundle registers no gradients; the @tensorflow/tfjs bundle does (on the engine's global registry). Core code never
// picks a backend (lint forbids setBackend here): in Node the bundle's WebGL backend fails to start, leaving CPU.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs';

await tf.ready();
if (tf.getBackend() !== 'cpu') throw new Error(`sequence tests expect the cpu backend, got ${tf.getBackend()}`);
export { tf };
