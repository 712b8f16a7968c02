import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../../util/rng';

/** Named trainable weights of a network. Insertion order is the serialisation order. */
export type Params = Map<string, tf.Variable>;

/** Weights drawn in TS from the seeded stream, so a seed gives the same start on every backend. */
export function uniformParam(params: Params, name: string, shape: number[], scale: number, rng: Rng): tf.Variable {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = (2 * rng.next() - 1) * scale;
  return addParam(params, name, shape, v);
}

export function constParam(params: Params, name: string, shape: number[], value: number): tf.Variable {
  const n = shape.reduce((a, b) => a * b, 1);
  return addParam(params, name, shape, new Float32Array(n).fill(value));
}

function addParam(params: Params, name: string, shape: number[], v: Float32Array): tf.Variable {
  // Inside tidy so the initial-value tensor is freed; the variable itself is kept.
  const p = tf.tidy(() => tf.variable(tf.tensor(v, shape), true, `${name}_${nextId()}`));
  params.set(name, p);
  return p;
}

// tfjs variable names are global to the engine; a counter keeps two models of the same kind apart.
let idCounter = 0;
const nextId = () => ++idCounter;

export function get(params: Params, name: string): tf.Variable {
  const p = params.get(name);
  if (!p) throw new Error(`missing parameter ${name}`);
  return p;
}

/**
 * Adagrad as in torch.optim.Adagrad (initial accumulator 0, eps 1e-10): g += wd·w, acc += g², w −= r·g / (√acc + eps),
 * with the rate r = lr · min(t, warmup) / warmup at step t = 1, 2, … (warmup 0: r = lr throughout). Own implementation
 * so the learning rate can be lowered on plateau and the state serialised.
 */
export class Adagrad {
  readonly acc = new Map<string, tf.Variable>();
  private steps = 0;
  constructor(
    public lr: number,
    readonly weightDecay = 0,
    /** Steps over which the rate ramps linearly up to lr (config.ts: SeqConfig.warmup). */
    readonly warmup = 0,
  ) {}

  apply(params: Params, grads: Record<string, tf.Tensor>): void {
    this.steps++;
    const lr = this.warmup > 0 ? (this.lr * Math.min(this.steps, this.warmup)) / this.warmup : this.lr;
    tf.tidy(() => {
      for (const [name, p] of params) {
        const g0 = grads[p.name];
        if (!g0) continue;
        const g = this.weightDecay > 0 ? tf.add(g0, tf.mul(p, this.weightDecay)) : g0;
        let a = this.acc.get(name);
        if (!a) {
          a = tf.variable(tf.zerosLike(p), false);
          this.acc.set(name, a);
        }
        const na = tf.add(a, tf.square(g));
        a.assign(na);
        p.assign(tf.sub(p, tf.div(tf.mul(g, lr), tf.add(tf.sqrt(na), 1e-10))));
      }
    });
  }

  dispose(): void {
    for (const a of this.acc.values()) a.dispose();
    this.acc.clear();
  }
}

/** Copies of the weights (best-checkpoint restore), read asynchronously (ops.ts: canReadSync). */
export async function snapshot(params: Params): Promise<Map<string, Float32Array>> {
  const entries = [...params];
  const data = await Promise.all(entries.map(([, v]) => v.data() as Promise<Float32Array>));
  return new Map(entries.map(([k], i) => [k, data[i]]));
}

export function restore(params: Params, snap: Map<string, Float32Array>): void {
  for (const [k, v] of params) {
    const s = snap.get(k);
    if (s) tf.tidy(() => v.assign(tf.tensor(s, v.shape)));
  }
}
