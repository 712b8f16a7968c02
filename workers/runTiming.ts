/**
 * The run worker's bench hook: the sequence benches' timed training batches (core/models/sequence/batchTiming.ts) on
 * the worker's current backend, so the page's training is timed on the same batches as Node and PyTorch.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../src/core/data/types';
import {
  timeTrainingBatches,
  timingModel,
  timingOrder,
  timingWorld,
  type BatchTimes,
} from '../src/core/models/sequence/batchTiming';
import { decoderKernelReady } from '../src/core/models/sequence/decoderKernel';

export interface WorkerBatchTimes extends BatchTimes {
  backend: string;
  /** The WASM binary tfjs loaded (it picks the threaded SIMD build when both flags hold); null on other backends. */
  wasmBinary: string | null;
  /** XNNPACK's threads (WASM only). */
  threads: number | null;
  /** Whether the decoder's softmax ran as its WASM SIMD kernel (core/models/sequence/decoderKernel.ts). */
  decoderKernel: boolean;
}

let world: { ds: Dataset; order: number[] } | null = null;

/** Times `batches` batches (after one warm-up) of a fresh `kind` model on the ML-1M-shaped world, built once. */
export async function timeSequenceBatches(kind: 'gru' | 'transformer', batches: number): Promise<WorkerBatchTimes> {
  if (!world) {
    const ds = timingWorld();
    world = { ds, order: timingOrder(ds) };
  }
  const backend = tf.getBackend();
  let wasmBinary: string | null = null;
  let threads: number | null = null;
  if (backend === 'wasm') {
    const [simd, mt] = await Promise.all([
      tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
      tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    ]);
    wasmBinary = simd && mt ? 'threaded-simd' : simd ? 'simd' : 'plain';
    threads = (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount();
  }
  const m = timingModel(kind, world.ds.nItems);
  try {
    const t = await timeTrainingBatches(m, world.ds, world.order, batches, () => performance.now());
    return { ...t, backend, wasmBinary, threads, decoderKernel: decoderKernelReady() };
  } finally {
    m.dispose();
  }
}
