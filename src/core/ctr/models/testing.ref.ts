import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../../util/rng';
import type { CtrBatch } from '../types';

/**
 * Plain-JS references for the model tests: dense algebra over number arrays, independent of tfjs, and a way to read
 * and set a network's weights by name.
 */
export type Mat = number[][];

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
export const relu = (x: number) => Math.max(0, x);
export const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

/** Weights of a network by name, as [rows][cols] (vectors as a single row). */
export function weightsOf(params: Map<string, tf.Variable>): Map<string, Mat> {
  const out = new Map<string, Mat>();
  for (const [k, v] of params) {
    const d = Array.from(v.dataSync());
    const cols = v.shape.length === 2 ? (v.shape[1] as number) : d.length;
    out.set(
      k,
      Array.from({ length: d.length / cols }, (_, r) => d.slice(r * cols, (r + 1) * cols)),
    );
  }
  return out;
}

/** Overwrites every weight with seeded normal values of the given scale (so that hand checks are not near 0). */
export function randomizeWeights(params: Map<string, tf.Variable>, seed: number, scale = 0.5): void {
  const rng = createRng(seed);
  for (const v of params.values()) {
    const n = v.shape.reduce((a, b) => a * b, 1);
    const vals = Float32Array.from({ length: n }, () => rng.normal() * scale);
    tf.tidy(() => v.assign(tf.tensor(vals, v.shape)));
  }
}

/** x·W + b for a row x. */
export function denseRow(x: number[], W: Mat, b: number[]): number[] {
  return b.map((bj, j) => bj + x.reduce((s, xi, i) => s + xi * W[i][j], 0));
}

/** The dense layer `${name}.w`, `${name}.b` of layers.ts on a row. */
export function denseNamed(w: Map<string, Mat>, name: string, x: number[]): number[] {
  return denseRow(x, w.get(`${name}.w`)!, w.get(`${name}.b`)![0]);
}

/** The MLP of layers.ts (ReLU between layers) on a row, from weights `${name}.${l}.w/.b`. */
export function mlpRow(w: Map<string, Mat>, name: string, layers: number, x: number[]): number[] {
  let h = x;
  for (let l = 0; l <= layers; l++) {
    h = denseRow(h, w.get(`${name}.${l}.w`)!, w.get(`${name}.${l}.b`)![0]);
    if (l < layers) h = h.map(relu);
  }
  return h;
}

/** A hand-made batch (maxLen T): history rows given as item lists (oldest first, not shifted), right-aligned here. */
export function handBatch(
  T: number,
  rows: {
    user: number;
    item: number;
    category?: number;
    context?: number;
    history: number[];
    click?: number;
    conversion?: number;
    repeatShare?: number;
  }[],
): CtrBatch {
  const n = rows.length;
  const b: CtrBatch = {
    size: n,
    rows: Int32Array.from(rows, (_, i) => i),
    user: Int32Array.from(rows, (r) => r.user),
    item: Int32Array.from(rows, (r) => r.item),
    category: Int32Array.from(rows, (r) => r.category ?? -1),
    context: Int32Array.from(rows, (r) => r.context ?? -1),
    history: new Int32Array(n * T),
    historyLen: Int32Array.from(rows, (r) => r.history.length),
    maxLen: T,
    repeat: Uint8Array.from(rows, (r) => (r.history.includes(r.item) ? 1 : 0)),
    repeatShare: Float32Array.from(rows, (r) => r.repeatShare ?? 0),
    click: Float32Array.from(rows, (r) => r.click ?? 0),
    conversion: Float32Array.from(rows, (r) => r.conversion ?? 0),
  };
  rows.forEach((r, i) => r.history.forEach((it, t) => (b.history[i * T + T - r.history.length + t] = it + 1)));
  return b;
}
