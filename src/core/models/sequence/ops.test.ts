import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import './testing.tf';
import { decoderLoss, lookup, mm } from './ops';
import { nllFiniteDiffs, plainNll as nll, randNormal as rand } from './testing.fixtures';

describe('decoderLoss (fused tied decoder + softmax CE, eq. 1)', () => {
  const N = 7,
    D = 3,
    V = 5;
  const h = rand(N * D, 1),
    e = rand(V * D, 2),
    b = rand(V, 3);
  const t = [1, 4, 0, 2, 2, 0, 3];

  it('value equals the plain-JS NLL, with chunks smaller than N', () => {
    const l = tf.tidy(
      () =>
        decoderLoss(
          tf.tensor2d(h, [N, D]),
          tf.tensor2d(e, [V, D]),
          tf.tensor1d(b),
          Int32Array.from(t),
          3,
        ).dataSync()[0],
    );
    expect(l).toBeCloseTo(nll(h, e, b, t, D), 5);
  });

  it('gradients match central finite differences of the plain-JS NLL', () => {
    const g = tf.tidy(() =>
      tf
        .grads((hh: tf.Tensor, ee: tf.Tensor, bb: tf.Tensor) =>
          decoderLoss(hh as tf.Tensor2D, ee as tf.Tensor2D, bb as tf.Tensor1D, Int32Array.from(t), 2),
        )([tf.tensor2d(h, [N, D]), tf.tensor2d(e, [V, D]), tf.tensor1d(b)])
        .map((x) => x.dataSync()),
    );
    const fd = nllFiniteDiffs(h, e, b, t, D);
    for (let k = 0; k < 3; k++) for (let i = 0; i < fd[k].length; i++) expect(g[k][i]).toBeCloseTo(fd[k][i], 2);
  });
});

describe('lookup and mm custom gradients', () => {
  it('lookup gradient adds dy into repeated rows', () => {
    const g = tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) =>
          tf.sum(
            tf.mul(
              lookup(x as tf.Tensor2D, Int32Array.from([0, 2, 2])),
              tf.tensor2d([
                [1, 2],
                [3, 4],
                [5, 6],
              ]),
            ),
          ),
        )(tf.zeros([3, 2]))
        .arraySync(),
    );
    expect(g).toEqual([
      [1, 2],
      [0, 0],
      [8, 10],
    ]);
  });

  it('mm forward and gradients equal hand-computed products (3-D input)', () => {
    const a = [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [0, 1],
        [1, 0],
      ],
    ];
    const w = [
      [1, 0, 2],
      [0, 1, -1],
    ];
    const [ga, gw, y] = tf.tidy(() => {
      const at = tf.tensor3d(a),
        wt = tf.tensor2d(w);
      const [da, dw] = tf.grads((x: tf.Tensor, v: tf.Tensor) => tf.sum(mm(x, v as tf.Tensor2D)))([at, wt]);
      return [da.arraySync(), dw.arraySync(), mm(at, wt).arraySync()];
    });
    // y = a·w; ∂Σy/∂a = 1·wᵀ row sums; ∂Σy/∂w = column sums of a (all rows) repeated.
    expect(y).toEqual([
      [
        [1, 2, 0],
        [3, 4, 2],
      ],
      [
        [0, 1, -1],
        [1, 0, 2],
      ],
    ]);
    expect(ga).toEqual([
      [
        [3, 0],
        [3, 0],
      ],
      [
        [3, 0],
        [3, 0],
      ],
    ]);
    expect(gw).toEqual([
      [5, 5, 5],
      [7, 7, 7],
    ]);
  });
});

describe('decoderLoss with padding rows', () => {
  it('equals the loss of the non-padding rows alone, gives padding rows a zero gradient and frees its tensors', () => {
    const D = 2,
      V = 4;
    const h = rand(5 * D, 7),
      e = rand(V * D, 8),
      b = rand(V, 9);
    const t = [0, 3, 0, 1, 0];
    const before = tf.memory().numTensors;
    const [l, gh] = tf.tidy(() => {
      const [hh, ee, bb] = [tf.tensor2d(h, [5, D]), tf.tensor2d(e, [V, D]), tf.tensor1d(b)];
      const g = tf
        .grad((x: tf.Tensor) => decoderLoss(x as tf.Tensor2D, ee, bb, Int32Array.from(t), 1))(hh)
        .dataSync();
      return [decoderLoss(hh, ee, bb, Int32Array.from(t)).dataSync()[0], g];
    });
    expect(tf.memory().numTensors).toBe(before);
    const kept = Float32Array.from([...h.subarray(2, 4), ...h.subarray(6, 8)]);
    expect(l).toBeCloseTo(nll(kept, e, b, [3, 1], D), 5);
    for (const r of [0, 2, 4]) expect([gh[r * D], gh[r * D + 1]]).toEqual([0, 0]);
    expect(Math.abs(gh[2]) + Math.abs(gh[6])).toBeGreaterThan(0);
  });
});
