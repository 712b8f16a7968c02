import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Rng } from '../../util/rng';
import type { TokenBatch } from './data';
import type { SeqNet, TrainStep } from './net';
import { readScalar } from './ops';
import { restore, snapshot, type Adagrad, type Params } from './params';
import type { SerializedSeqModel } from './serialized';
export { Inbox } from '../../util/inbox';

/*
 * Data-parallel training of a sequence model on replicas in other threads (the host supplies them: in Node,
 * src/cli/replicaPool.ts over worker_threads; the page has the WASM backend's own threads instead).
 *
 * Each training batch is cut into shards of consecutive users (shardSlices). Every replica holds the same weights and
 * trains its shard with the unchanged encoder code (SeqNet.trainBatch): at each gradient step (a TBPTT window of the
 * GRU, the whole batch of the Transformer) it sends the gradient g_r of its shard's mean token loss and its target
 * count c_r, then waits. The coordinator forms Σ_r (c_r / Σ_s c_s)·g_r, which is the gradient of the whole batch's
 * mean token loss (every op of the encoders and the decoder is row-wise; only that mean couples the rows), applies one
 * optimizer step to its own weights and sends the new weights to the replicas, which go on. A replica whose users
 * are all shorter than the window has no step there: it has finished, and its target count is simply absent from
 * the sum, as its padding rows are from the whole batch's.
 *
 * Design choices:
 * - Weights are broadcast, not the averaged gradient: the optimizer (Adagrad's accumulators, the learning rate that
 *   the plateau rule lowers) lives once, on the coordinator, and the replicas are equal to it by construction rather
 *   than by every thread rounding the same update alike. Both cost one model-sized array per replica per step.
 * - Gradients move as transferable Float32Arrays: reading a tensor out of the WASM heap already makes a copy that we
 *   own, so transferring it hands it over with no second copy. On the CPU backend a read returns the tensor's own
 *   storage, which a transfer would detach, so it is copied first (ownedArray). Weights go to each replica by
 *   structured clone (one copy per replica, as each needs its own), and the coordinator keeps its own.
 * - Determinism for a seed and a thread count: shards are consecutive runs of the batch's (seeded) user order, the
 *   reduction runs in shard order in float64, and each shard's dropout stream is seeded by a number drawn from the
 *   fit's dropout stream in shard order (shardSeeds): a replica in another thread cannot share the fit's Rng, and a
 *   per-shard seed keeps the masks independent of which thread finishes first. Shard boundaries depend on the thread
 *   count, so dropout masks (and rounding) differ between thread counts; without dropout the loss curves agree within
 *   float tolerance.
 */

/** One shard's training job: its batch, its dropout stream and, when the replica missed updates, the weights. */
export interface ShardJob {
  batch: TokenBatch;
  seed: number;
  weights?: Float32Array[];
}

/** Coordinator → replica. Weight arrays are in the model's parameter order (serialisation order). */
export type ToReplica =
  | { kind: 'load'; model: SerializedSeqModel }
  | ({ kind: 'start' } & ShardJob)
  | { kind: 'weights'; weights: Float32Array[] };

/** Replica → coordinator. `step`: the gradient of the shard's mean token loss over `count` targets, per parameter. */
export type FromReplica =
  | { kind: 'loaded' }
  | { kind: 'step'; grads: Float32Array[]; count: number }
  | { kind: 'done'; loss: number }
  | { kind: 'error'; message: string };

/** Replicas of one model as the coordinator sees them: message channels, each answering in order. */
export interface ReplicaPool {
  readonly size: number;
  send(r: number, msg: ToReplica): void;
  /** Replica r's next message; rejects when the replica (its thread) failed. */
  next(r: number): Promise<FromReplica>;
  close(): Promise<void>;
}

/** Up to n shards of consecutive items, sizes differing by at most one, the larger first; none empty. */
export function shardSlices<T>(xs: readonly T[], n: number): T[][] {
  const k = Math.max(1, Math.min(n, xs.length));
  const base = Math.floor(xs.length / k);
  const extra = xs.length % k;
  const out: T[][] = [];
  for (let s = 0, i = 0; s < k; s++) {
    const len = base + (s < extra ? 1 : 0);
    out.push(xs.slice(i, i + len));
    i += len;
  }
  return out;
}

/** One 32-bit dropout seed per shard, drawn in shard order from the fit's dropout stream. */
export function shardSeeds(n: number, noise: Rng): number[] {
  return Array.from({ length: n }, () => Math.floor(noise.next() * 4294967296));
}

/**
 * Σ_r (c_r / Σ_s c_s)·g_r per parameter: the count-weighted mean of the shards' mean-loss gradients, which is the
 * gradient of the mean loss over all their targets. Summed in float64 in the order given, rounded once to float32.
 */
export function averageGradients(parts: readonly { grads: readonly Float32Array[]; count: number }[]): Float32Array[] {
  if (parts.length === 0) return [];
  const total = parts.reduce((a, p) => a + p.count, 0);
  return parts[0].grads.map((g0, i) => {
    const acc = new Float64Array(g0.length);
    for (const p of parts) {
      const g = p.grads[i];
      if (g.length !== acc.length) throw new Error(`gradient ${i}: ${g.length} values, expected ${acc.length}`);
      const w = total > 0 ? p.count / total : 0;
      for (let j = 0; j < acc.length; j++) acc[j] += w * g[j];
    }
    return Float32Array.from(acc);
  });
}

/** The values of a tensor read back as an array this code owns (see the design notes: transfers). */
async function ownedArray(t: tf.Tensor): Promise<Float32Array> {
  const a = (await t.data()) as Float32Array;
  return tf.getBackend() === 'wasm' ? a : a.slice();
}

/** Sets every parameter from arrays in parameter order. */
export function setWeights(params: Params, weights: readonly Float32Array[]): void {
  const names = [...params.keys()];
  if (weights.length !== names.length)
    throw new Error(`${weights.length} weight arrays for ${names.length} parameters`);
  restore(params, new Map(names.map((n, i) => [n, weights[i]])));
}

/** The parameters' values in parameter order, read asynchronously. */
export async function getWeights(params: Params): Promise<Float32Array[]> {
  const snap = await snapshot(params);
  return [...params.keys()].map((n) => snap.get(n) as Float32Array);
}

/**
 * The replica's side of one shard: trains `job.batch` with `net`, posting each step's gradients and count, and takes
 * the weights `nextWeights` resolves to before the next step. Resolves to the shard's summed token loss.
 */
export async function trainShard(
  params: Params,
  net: SeqNet,
  job: ShardJob,
  post: (msg: FromReplica, transfer: ArrayBuffer[]) => void,
  nextWeights: () => Promise<Float32Array[]>,
): Promise<number> {
  if (job.weights) setWeights(params, job.weights);
  const vars = [...params.values()];
  const step: TrainStep = (f, count) => {
    const { value, grads } = tf.variableGrads(f, vars);
    const applied = (async () => {
      // A parameter the loss does not reach gets no gradient from tfjs: it is sent as zeros, so every message has
      // every parameter in order.
      const arrays = await Promise.all(
        vars.map((v) => (grads[v.name] ? ownedArray(grads[v.name]) : Promise.resolve(new Float32Array(v.size)))),
      );
      tf.dispose(grads);
      post(
        { kind: 'step', grads: arrays, count },
        arrays.map((a) => a.buffer as ArrayBuffer),
      );
      setWeights(params, await nextWeights());
    })();
    return { loss: readScalar(value), applied };
  };
  return net.trainBatch(job.batch, step, createRng(job.seed));
}

/** Waits for one message of a kind from replica r; an error message, or any other kind, is thrown. */
async function receive<K extends FromReplica['kind']>(
  pool: ReplicaPool,
  r: number,
  ...kinds: K[]
): Promise<Extract<FromReplica, { kind: K }>> {
  const m = await pool.next(r);
  if (m.kind === 'error') throw new Error(`replica ${r}: ${m.message}`);
  if (!(kinds as string[]).includes(m.kind))
    throw new Error(`replica ${r}: expected ${kinds.join(' or ')}, got ${m.kind}`);
  return m as Extract<FromReplica, { kind: K }>;
}

/**
 * The coordinator of one fit: holds the weights (`params`) and the optimizer, drives the pool's replicas batch by
 * batch (see the notes at the top of this file).
 */
export class ShardedTrainer {
  /** Optimizer steps taken, and per replica the step whose weights it holds (a replica that finished early lags). */
  private version = 0;
  private readonly held: number[];
  private weights: Float32Array[] | null = null;

  get size(): number {
    return this.pool.size;
  }

  private constructor(
    private readonly pool: ReplicaPool,
    private readonly params: Params,
    private readonly opt: Adagrad,
  ) {
    this.held = new Array(pool.size).fill(0);
  }

  /** Builds every replica from `model` (the coordinator's weights as they are now). */
  static async start(pool: ReplicaPool, params: Params, opt: Adagrad, model: SerializedSeqModel) {
    for (let r = 0; r < pool.size; r++) pool.send(r, { kind: 'load', model });
    for (let r = 0; r < pool.size; r++) await receive(pool, r, 'loaded');
    return new ShardedTrainer(pool, params, opt);
  }

  /** Trains one batch given as at most pool.size shards with their dropout seeds; resolves to the summed token loss. */
  async trainBatch(shards: TokenBatch[], seeds: number[]): Promise<number> {
    if (shards.length > this.pool.size) throw new Error(`${shards.length} shards for ${this.pool.size} replicas`);
    shards.forEach((batch, r) => {
      const stale = this.held[r] < this.version;
      this.pool.send(r, { kind: 'start', batch, seed: seeds[r], ...(stale ? { weights: this.weights! } : {}) });
      this.held[r] = this.version;
    });
    let active = shards.map((_, r) => r);
    let loss = 0;
    const lossOf = new Array<number>(shards.length).fill(0);
    while (active.length > 0) {
      // One round: every replica still training sends a step or says it is done (in shard order, as they come).
      const msgs = [];
      for (const r of active) msgs.push(await receive(this.pool, r, 'step', 'done'));
      const stepping: number[] = [];
      const parts: { grads: Float32Array[]; count: number }[] = [];
      msgs.forEach((m, i) => {
        if (m.kind === 'done') lossOf[active[i]] = m.loss;
        else {
          stepping.push(active[i]);
          parts.push(m);
        }
      });
      if (parts.length > 0) await this.applyStep(averageGradients(parts), stepping);
      active = stepping;
    }
    for (const l of lossOf) loss += l;
    return loss;
  }

  /** One optimizer step on the coordinator's weights from the averaged gradient, then the weights to `to`. */
  private async applyStep(avg: Float32Array[], to: number[]): Promise<void> {
    const vars = [...this.params.values()];
    const grads: Record<string, tf.Tensor> = {};
    vars.forEach((v, i) => (grads[v.name] = tf.tensor(avg[i], v.shape)));
    this.opt.apply(this.params, grads);
    tf.dispose(Object.values(grads));
    this.weights = await getWeights(this.params);
    this.version++;
    for (const r of to) {
      this.pool.send(r, { kind: 'weights', weights: this.weights });
      this.held[r] = this.version;
    }
  }
}
