import { describe, expect, it } from 'vitest';
import { tf } from '../../models/sequence/testing.tf';
import { createRng } from '../../util/rng';
import { createLrNet } from './lr';
import { createDeepFmNet, fmPairwise } from './deepfm';
import { attend, createDinNet } from './din';
import { createMmoeNet, mixExperts } from './mmoe';
import { createMtRnnNet, userState } from './mtrnn';
import {
  createMuseNet,
  headLoss,
  klBatchMean,
  klUniform,
  kMeansPlusPlus,
  mixIntentions,
  repeatLoss,
  sqDistances,
  updatePrototypes,
} from './musenet';
import {
  DEEPFM_DEFAULTS,
  DIN_DEFAULTS,
  MMOE_DEFAULTS,
  MTRNN_DEFAULTS,
  MUSENET_DEFAULTS,
  type MuseNetOptions,
} from './options';
import {
  denseNamed,
  dot,
  handBatch,
  type Mat,
  mlpRow,
  randomizeWeights,
  relu,
  sigmoid,
  weightsOf,
} from './testing.ref';
import type { CtrDims } from './layers';
import type { CtrNet } from '../train';

const dims: CtrDims = { nUsers: 3, nItems: 5, nCategories: 2, nContexts: 2 };
const D = 3;
const T = 4;
/** Rows with long, short, empty histories, a repeat, absent category/context and both labels. */
const batch = () =>
  handBatch(T, [
    { user: 0, item: 2, category: 1, context: 0, history: [4, 2, 0], click: 1, conversion: 1, repeatShare: 0.25 },
    { user: 2, item: 3, category: 0, context: 1, history: [1], click: 1, conversion: 0, repeatShare: 0 },
    { user: 1, item: 0, history: [], click: 0, repeatShare: 0.5 },
    { user: 1, item: 4, category: 1, context: 1, history: [3, 0, 1, 4], click: 0, repeatShare: 0.75 },
  ]);

/** Plain-JS field embeddings of row r: user, mean history, item, category, context (tables' row 0 = absent). */
function fields(w: Map<string, Mat>, b: ReturnType<typeof batch>, r: number) {
  const row = (name: string, id: number) => w.get(name)![id];
  const hist = Array.from(b.history.subarray(r * T, (r + 1) * T)).filter((v) => v > 0);
  const mean = (name: string, width: number) =>
    hist.length === 0
      ? new Array(width).fill(0)
      : Array.from({ length: width }, (_, d) => hist.reduce((s, it) => s + row(name, it)[d], 0) / hist.length);
  return {
    hist,
    row,
    mean,
    user: w.has('emb.user') ? row('emb.user', b.user[r]) : [],
    item: row('emb.item', b.item[r] + 1),
    category: row('emb.category', b.category[r] + 1),
    context: row('emb.context', b.context[r] + 1),
  };
}

const read = (t: tf.Tensor | undefined) => Array.from(t!.dataSync());
const run = <T>(f: () => T): T => tf.tidy(f as () => tf.TensorContainer) as T;

function expectClose(got: number[], want: number[], digits = 5) {
  expect(got.length).toBe(want.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(want[i], digits));
}

function withNet<N extends CtrNet>(net: N, seed: number, f: (w: Map<string, Mat>) => void) {
  randomizeWeights(net.params, seed);
  try {
    f(weightsOf(net.params));
  } finally {
    for (const v of net.params.values()) v.dispose();
  }
}

describe('LR forward', () => {
  it('logit = bias + w_user + w_item + w_category + w_context (absent fields read row 0)', () => {
    const net = createLrNet(dims, 'click', createRng(1));
    withNet(net, 2, (w) => {
      const b = batch();
      const p = run(() => read(net.predict(b).pCtr));
      const want = Array.from({ length: b.size }, (_, r) =>
        sigmoid(
          w.get('lr.bias')![0][0] +
            w.get('lr.user')![b.user[r]][0] +
            w.get('lr.item')![b.item[r] + 1][0] +
            w.get('lr.category')![b.category[r] + 1][0] +
            w.get('lr.context')![b.context[r] + 1][0],
        ),
      );
      expectClose(p, want);
    });
  });
});

describe('DeepFM forward', () => {
  it('the O(F·D) pairwise term equals the O(F²) sum Σ_{f<g} ⟨v_f, v_g⟩', () => {
    const rng = createRng(3);
    const F = 5,
      B = 3;
    const v = Array.from({ length: F }, () =>
      Array.from({ length: B }, () => [rng.normal(), rng.normal(), rng.normal()]),
    );
    const got = run(() => read(fmPairwise(v.map((x) => tf.tensor2d(x)))));
    const want = Array.from({ length: B }, (_, r) => {
      let s = 0;
      for (let f = 0; f < F; f++) for (let g = f + 1; g < F; g++) s += dot(v[f][r], v[g][r]);
      return s;
    });
    expectClose(got, want);
  });

  it('logit = bias + first order (history: mean weight) + FM + MLP over the five field embeddings', () => {
    const o = { ...DEEPFM_DEFAULTS, embeddingDim: D, maxLen: T, hidden: [4, 3] };
    const net = createDeepFmNet(dims, o, 'conversion', createRng(1));
    withNet(net, 4, (w) => {
      const b = batch();
      const p = run(() => read(net.predict(b).pCvr));
      const want = Array.from({ length: b.size }, (_, r) => {
        const f = fields(w, b, r);
        const first =
          f.row('fm.w.user', b.user[r])[0] +
          f.row('fm.w.item', b.item[r] + 1)[0] +
          f.row('fm.w.category', b.category[r] + 1)[0] +
          f.row('fm.w.context', b.context[r] + 1)[0] +
          f.mean('fm.w.item', 1)[0];
        const v = [f.user, f.mean('emb.item', D), f.item, f.category, f.context];
        // The field order of the MLP input is [user, item, category, context, history].
        const deepIn = [f.user, f.item, f.category, f.context, f.mean('emb.item', D)].flat();
        let fm = 0;
        for (let i = 0; i < v.length; i++) for (let j = i + 1; j < v.length; j++) fm += dot(v[i], v[j]);
        return sigmoid(w.get('fm.w.bias')![0][0] + first + fm + mlpRow(w, 'deep', 2, deepIn)[0]);
      });
      expectClose(p, want);
    });
  });
});

describe('DIN forward', () => {
  it("attention weights are DIN's activation unit on [e_j, e_t, e_j − e_t, e_j ⊙ e_t]; interest = Σ a_j e_j", () => {
    const o = { ...DIN_DEFAULTS, embeddingDim: D, maxLen: T, attentionHidden: 5, hidden: [4] };
    const net = createDinNet(dims, o, 'click', createRng(1));
    withNet(net, 5, (w) => {
      const b = batch();
      const [weights, logits] = run(() => {
        const table = net.params.get('emb.item') as tf.Variable as unknown as tf.Tensor2D;
        const target = tf.gather(
          table,
          tf.tensor1d(
            Int32Array.from(b.item, (v) => v + 1),
            'int32',
          ),
        ) as tf.Tensor2D;
        return [read(attend(net.params, table, target, b).weights), read(net.predict(b).pCtr)];
      });
      const wantWeights: number[] = [];
      const wantP = Array.from({ length: b.size }, (_, r) => {
        const f = fields(w, b, r);
        const interest = new Array(D).fill(0);
        for (const it of f.hist) {
          const ej = f.row('emb.item', it);
          const unit = [...ej, ...f.item, ...ej.map((x, d) => x - f.item[d]), ...ej.map((x, d) => x * f.item[d])];
          const a = mlpRow(w, 'att', 1, unit)[0];
          wantWeights.push(a);
          ej.forEach((x, d) => (interest[d] += a * x));
        }
        return sigmoid(mlpRow(w, 'deep', 1, [...f.user, ...interest, ...f.item, ...f.category, ...f.context])[0]);
      });
      expectClose(weights, wantWeights);
      expectClose(logits, wantP);
    });
  });
});

describe('MMoE forward', () => {
  it('the gate mixture Σ_e g_e f_e on hand numbers', () => {
    // 2 rows, 3 experts of width 2.
    const experts = [
      [1, 2, 3, 4, 5, 6],
      [0, -1, 2, 0.5, 1, 1],
    ];
    const g = [
      [0.2, 0.3, 0.5],
      [1, 0, 0],
    ];
    const got = run(() => (mixExperts(tf.tensor2d(experts), tf.tensor2d(g), 3).arraySync() as number[][]).flat());
    expectClose(got, [0.2 * 1 + 0.3 * 3 + 0.5 * 5, 0.2 * 2 + 0.3 * 4 + 0.5 * 6, 0, -1]);
  });

  it('pCTR and pCVR: softmax gates per task over shared ReLU experts, then each task’s tower', () => {
    const o = { ...MMOE_DEFAULTS, embeddingDim: D, maxLen: T, experts: 3, expertDim: 2, towerHidden: [3] };
    const net = createMmoeNet(dims, o, createRng(1));
    withNet(net, 6, (w) => {
      const b = batch();
      const out = run(() => {
        const p = net.predict(b);
        return [read(p.pCtr), read(p.pCvr)];
      });
      ['click', 'conversion'].forEach((task, k) => {
        const want = Array.from({ length: b.size }, (_, r) => {
          const f = fields(w, b, r);
          const x = [...f.user, ...f.mean('emb.item', D), ...f.item, ...f.category, ...f.context];
          const ex = denseNamed(w, 'experts', x).map(relu);
          const logits = denseNamed(w, `gate.${task}`, x);
          const z = logits.map((l) => Math.exp(l - Math.max(...logits)));
          const gates = z.map((v) => v / z.reduce((s, u) => s + u, 0));
          const mixed = [0, 1].map((j) => gates.reduce((s, ge, e) => s + ge * ex[e * 2 + j], 0));
          return sigmoid(mlpRow(w, `tower.${task}`, 1, mixed)[0]);
        });
        expectClose(out[k], want);
      });
    });
  });
});

describe('MT-RNN forward and loss (002)', () => {
  const o = { ...MTRNN_DEFAULTS, embeddingDim: D, maxLen: T, gruHidden: 4, towerHidden: [3] };

  /** Plain-JS GRU (torch gate order r, z, n) over a row's history from h = 0. */
  function gru(w: Map<string, Mat>, hist: number[], H: number): number[] {
    let h = new Array(H).fill(0);
    for (const it of hist) {
      const x = w.get('emb.item')![it];
      const gi = denseOf(w, 'gru.wi', 'gru.bi', x);
      const gh = denseOf(w, 'gru.wh', 'gru.bh', h);
      h = h.map((hp, j) => {
        const r = sigmoid(gi[j] + gh[j]);
        const z = sigmoid(gi[H + j] + gh[H + j]);
        const n = Math.tanh(gi[2 * H + j] + r * gh[2 * H + j]);
        return (1 - z) * n + z * hp;
      });
    }
    return h;
  }
  const denseOf = (w: Map<string, Mat>, W: string, B: string, x: number[]) =>
    w.get(B)![0].map((bj, j) => bj + x.reduce((s, xi, i) => s + xi * w.get(W)![i][j], 0));

  it('the user tower is a GRU over the clicked items (state 0 through the left padding and for no history)', () => {
    const net = createMtRnnNet(dims, o, createRng(1));
    withNet(net, 7, (w) => {
      const b = batch();
      const want = Array.from({ length: b.size }, (_, r) => gru(w, fields(w, b, r).hist, 4)).flat();
      // The fused op (gruSequence.ts) and the per-step ops path that WebGPU takes.
      const got = run(() => (userState(net.params, b, 4).arraySync() as number[][]).flat());
      expectClose(got, want);
      expectClose(
        run(() => (userState(net.params, b, 4, true).arraySync() as number[][]).flat()),
        want,
      );
      expect(got.slice(8, 12).map(Math.abs)).toEqual([0, 0, 0, 0]);
    });
  });

  it("heads read [h_u, e_t, e_cat, e_ctx]; the loss is 002's: l(click, pCTR) + l(click·conv, pCTR·pCVR), mean", () => {
    const net = createMtRnnNet(dims, o, createRng(1));
    withNet(net, 8, (w) => {
      const b = batch();
      const [pctr, pcvr, loss] = run(() => {
        const p = net.predict(b);
        return [read(p.pCtr), read(p.pCvr), read(net.loss(b, 'eval', createRng(0)))[0]];
      });
      const want = (task: string) =>
        Array.from({ length: b.size }, (_, r) => {
          const f = fields(w, b, r);
          const x = [...gru(w, f.hist, 4), ...f.item, ...f.category, ...f.context];
          return sigmoid(mlpRow(w, `tower.${task}`, 1, x)[0]);
        });
      expectClose(pctr, want('click'));
      expectClose(pcvr, want('conversion'));
      const bce = (p: number, y: number) => -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
      const l002 =
        pctr.reduce((s, p, r) => s + bce(p, b.click[r]) + bce(p * pcvr[r], b.click[r] * b.conversion[r]), 0) / b.size;
      expect(loss).toBeCloseTo(l002, 5);
    });
  });

  it("tasks 'click-only': the same weights, the loss is the click term l(click, pCTR) alone, no pCVR", () => {
    const both = createMtRnnNet(dims, o, createRng(1));
    const net = createMtRnnNet(dims, { ...o, tasks: 'click-only' }, createRng(1));
    // The same draws from the same seed: the two differ by their loss only.
    for (const [k, v] of both.params) expect(read(net.params.get(k)!)).toEqual(read(v));
    both.params.forEach((v) => v.dispose());
    withNet(net, 9, (w) => {
      const b = batch();
      const [hasCvr, loss, towerGrads] = run(() => {
        const p = net.predict(b);
        const vars = [...net.params.values()];
        const g = tf.variableGrads(() => net.loss(b, 'train', createRng(0)), vars).grads;
        return [
          p.pCvr !== undefined,
          read(net.loss(b, 'eval', createRng(0)))[0],
          Object.keys(g).filter((k) => k.includes('tower.conversion')),
        ];
      });
      expect(hasCvr).toBe(false);
      const pctr = Array.from({ length: b.size }, (_, r) => {
        const f = fields(w, b, r);
        return sigmoid(mlpRow(w, 'tower.click', 1, [...gru(w, f.hist, 4), ...f.item, ...f.category, ...f.context])[0]);
      });
      const bce = (p: number, y: number) => -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
      expect(loss).toBeCloseTo(pctr.reduce((s, p, r) => s + bce(p, b.click[r]), 0) / b.size, 5);
      // The conversion tower is outside the loss: no gradient reaches it.
      expect(towerGrads).toEqual([]);
    });
  });
});

describe('MuseNet pieces (003) on hand numbers', () => {
  it('eq. 3: Q_s = softmax(−‖f − c_k‖²)', () => {
    const f = [
      [0, 0],
      [1, 2],
    ];
    const c = [
      [0, 1],
      [2, 2],
    ];
    const got = run(() =>
      (tf.softmax(tf.neg(sqDistances(tf.tensor2d(f), tf.tensor2d(c)))).arraySync() as number[][]).flat(),
    );
    // row 0: d = [1, 8]; row 1: d = [2, 1].
    const sm = (d: number[]) => d.map((x) => Math.exp(-x) / d.reduce((s, y) => s + Math.exp(-y), 0));
    expectClose(got, [...sm([1, 8]), ...sm([2, 1])]);
  });

  it('eq. 9: z = I p_r s_r + (1 − I)(1 − p_r) s_e', () => {
    const got = run(() =>
      read(
        mixIntentions(
          tf.tensor2d([
            [0.2, 0.9],
            [0.2, 0.9],
          ]),
          tf.tensor2d([
            [2, -1],
            [2, -1],
          ]),
          tf.tensor2d([
            [0.5, 3],
            [0.5, 3],
          ]),
          Uint8Array.from([1, 0]),
        ),
      ),
    );
    expectClose(got, [0.4, -0.9, 0.8 * 0.5, 0.1 * 3]);
  });

  it('eq. 12: KL to the uniform prior; eq. 10: squared error of the repeat share', () => {
    const o = { ...MUSENET_DEFAULTS, assignment: 'soft' } as MuseNetOptions;
    const a = [
      [0.5, 0.5],
      [0.9, 0.1],
    ];
    const kl = run(() => {
      const at = tf.tensor2d(a);
      return read(klUniform(at, tf.log(at) as tf.Tensor2D, 'train', o))[0];
    });
    const row1 = 0.9 * (Math.log(0.9) + Math.log(2)) + 0.1 * (Math.log(0.1) + Math.log(2));
    expect(kl).toBeCloseTo((0 + row1) / 2, 5);
    const la = run(
      () =>
        read(
          repeatLoss(
            tf.tensor2d([
              [0.2, 0.6],
              [1, 0],
            ]),
            tf.tensor2d(a),
            Float32Array.from([0.5, 0.1]),
          ),
        )[0],
    );
    // predictions: 0.5·0.2 + 0.5·0.6 = 0.4 and 0.9·1 + 0.1·0 = 0.9.
    expect(la).toBeCloseTo(((0.5 - 0.4) ** 2 + (0.1 - 0.9) ** 2) / 2, 6);
  });

  it('eq. 12 on the batch mean: KL(ā ‖ 1/K), 0 for balanced use even when every row is one-hot', () => {
    const kl = (a: number[][]) => run(() => read(klBatchMean(tf.tensor2d(a)))[0]);
    // ā = [0.7, 0.3].
    const want = 0.7 * (Math.log(0.7) + Math.log(2)) + 0.3 * (Math.log(0.3) + Math.log(2));
    expect(
      kl([
        [0.5, 0.5],
        [0.9, 0.1],
      ]),
    ).toBeCloseTo(want, 5);
    expect(
      kl([
        [1, 0],
        [0, 1],
      ]),
    ).toBeCloseTo(0, 6);
    // Every row in one scenario: log K (an unused scenario contributes 0 · log 0 = 0).
    expect(
      kl([
        [1, 0, 0],
        [1, 0, 0],
      ]),
    ).toBeCloseTo(Math.log(3), 5);
  });

  it('k-means++ never seeds two prototypes on one point while another point is free', () => {
    // Three distinct places, duplicated: any seed must pick one row from each.
    const points = [
      [0, 0],
      [0, 0],
      [0, 0],
      [5, 0],
      [5, 0],
      [0, 1],
    ];
    const place = (i: number) => points[i].join(',');
    for (let seed = 1; seed <= 30; seed++) {
      const chosen = Array.from(kMeansPlusPlus(points, 3, createRng(seed)));
      expect(new Set(chosen.map(place)).size).toBe(3);
    }
    // Far points are drawn ∝ squared distance: from [0, 0], the point at distance 5 before the one at 1 (25 : 1).
    let far = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const c = kMeansPlusPlus(
        [
          [0, 0],
          [5, 0],
          [0, 1],
        ],
        2,
        { ...createRng(seed), int: () => 0 },
      );
      if (c[1] === 1) far++;
    }
    expect(far).toBeGreaterThan(170);
  });

  it('eq. 14: c_k ← (1 − α) c_k + α Σ a f / Σ a; a prototype without weight keeps its place', () => {
    const c = [
      [0, 0],
      [1, 1],
      [5, 5],
    ];
    const fx = [
      [1, 0],
      [0, 2],
      [3, 3],
    ];
    const a = [
      [1, 0, 0],
      [0.5, 0.5, 0],
      [0, 1, 0],
    ];
    const got = run(
      () => updatePrototypes(tf.tensor2d(c), tf.tensor2d(fx), tf.tensor2d(a), 0.2).arraySync() as number[][],
    ).flat();
    // means: k=0 (1·[1,0] + 0.5·[0,2]) / 1.5 = [2/3, 2/3]; k=1 (0.5·[0,2] + [3,3]) / 1.5 = [2, 8/3].
    expectClose(got, [0.2 * (2 / 3), 0.2 * (2 / 3), 0.8 + 0.4, 0.8 + 0.2 * (8 / 3), 5, 5]);
  });
});

describe('MuseNet forward (003) against a plain-JS MuseNet', () => {
  /** The paper's literal reading: x of eq. 3 is the whole impression, eq. 12 is per sample. */
  const base = {
    ...MUSENET_DEFAULTS,
    embeddingDim: D,
    maxLen: T,
    scenarios: 3,
    projectionDim: 2,
    hidden: 2,
    scenarioInput: 'impression',
    kl: 'per-sample',
    recentRequests: 0,
  } as MuseNetOptions;

  /** Plain-JS forward of row r: f_ω(x), Q_s (eq. 3), p_r, s_r, s_e and z (eq. 9). */
  function reference(w: Map<string, Mat>, b: ReturnType<typeof batch>, r: number, o: MuseNetOptions) {
    const K = o.scenarios,
      h = o.hidden;
    const f = fields(w, b, r);
    const hist = f.mean('emb.item', D);
    const x = [...f.user, ...hist, ...f.item, ...f.category, ...f.context];
    // The recent-context field: Σ_c share_c · e_c over the context embeddings (rows 1 … C), 0 without shares.
    const shares = Array.from(b.recentContext?.slice(r * dims.nContexts, (r + 1) * dims.nContexts) ?? []);
    const recent = Array.from({ length: D }, (_, d) =>
      shares.reduce((s, v, c) => s + v * f.row('emb.context', c + 1)[d], 0),
    );
    const xs = [
      ...(o.scenarioInput === 'request' ? [...f.user, ...hist, ...f.context] : x),
      ...(o.recentRequests > 0 ? recent : []),
    ];
    const omega = w.get('omega')!;
    const fx = omega[0].map((_, p) => xs.reduce((s, xi, i) => s + xi * omega[i][p], 0));
    const c = w.get('proto')!;
    const d = c.map((ck) => ck.reduce((s, v, p) => s + (fx[p] - v) ** 2, 0));
    const e = d.map((v) => Math.exp(-v));
    const q = e.map((v) => v / e.reduce((s, u) => s + u, 0));
    const modules = (name: string, input: number[], n: number) => {
      const pre = denseNamed(w, `${name}.0`, input);
      return Array.from(
        { length: n },
        (_, m) => w.get(`${name}.1.b`)![0][m] + dot(pre.slice(m * h, (m + 1) * h).map(relu), w.get(`${name}.1.w`)![m]),
      );
    };
    const s = modules('score', x, o.repeat ? 2 * K : K);
    const I = b.repeat[r];
    const pr = o.repeat ? modules('intent', [...f.user, ...hist, ...f.context], K).map(sigmoid) : [];
    const z = o.repeat ? q.map((_, k) => I * pr[k] * s[k] + (1 - I) * (1 - pr[k]) * s[K + k]) : s.slice(0, K);
    return { fx, q, pr, z };
  }

  it('soft: ŷ = σ(Σ_k Q_s z_k); loss = L_T + KL (eq. 12) + β L_A (eq. 10); Step 1 moves prototypes by eq. 14', () => {
    const o = { ...base, assignment: 'soft' } as MuseNetOptions;
    const net = createMuseNet(dims, o, createRng(1));
    withNet(net, 9, (w) => {
      const b = batch();
      const refs = Array.from({ length: b.size }, (_, r) => reference(w, b, r, o));
      const [p, loss] = run(() => [read(net.predict(b).pCtr), read(net.loss(b, 'eval', createRng(0)))[0]]);
      const logits = refs.map((x) => x.q.reduce((s, qk, k) => s + qk * x.z[k], 0));
      expectClose(p, logits.map(sigmoid));
      const bce = (y: number, z: number) => -(y * Math.log(sigmoid(z)) + (1 - y) * Math.log(1 - sigmoid(z)));
      const LT = logits.reduce((s, z, r) => s + bce(b.click[r], z), 0) / b.size;
      const KL = refs.reduce((s, x) => s + x.q.reduce((t, q) => t + q * (Math.log(q) + Math.log(3)), 0), 0) / b.size;
      const LA =
        refs.reduce((s, x, r) => s + (b.repeatShare[r] - x.q.reduce((t, q, k) => t + q * x.pr[k], 0)) ** 2, 0) / b.size;
      expect(loss).toBeCloseTo(LT + KL + 0.5 * LA, 5);

      // A training-mode loss keeps this step's f_ω(x) and a = Q_s; afterStep applies eq. 14 with α = 0.2.
      tf.tidy(() => {
        net.loss(b, 'train', createRng(0));
      });
      net.afterStep!();
      const c = w.get('proto')!;
      const want = c.map((ck, k) => {
        const wk = refs.reduce((s, x) => s + x.q[k], 0);
        return ck.map((v, d) => 0.8 * v + (0.2 * refs.reduce((s, x) => s + x.q[k] * x.fx[d], 0)) / wk);
      });
      expectClose(Array.from(net.params.get('proto')!.dataSync()), want.flat());
    });
  });

  it('defaults: the scenario learner projects [p_u, B_u, o_u]; the KL term is on the batch-mean assignment', () => {
    const o = { ...base, assignment: 'soft', scenarioInput: 'request', kl: 'batch-mean' } as MuseNetOptions;
    const net = createMuseNet(dims, o, createRng(1));
    expect(net.params.get('omega')!.shape).toEqual([3 * D, 2]);
    withNet(net, 9, (w) => {
      const b = batch();
      const refs = Array.from({ length: b.size }, (_, r) => reference(w, b, r, o));
      const loss = run(() => read(net.loss(b, 'eval', createRng(0)))[0]);
      const logits = refs.map((x) => x.q.reduce((s, qk, k) => s + qk * x.z[k], 0));
      const bce = (y: number, z: number) => -(y * Math.log(sigmoid(z)) + (1 - y) * Math.log(1 - sigmoid(z)));
      const LT = logits.reduce((s, z, r) => s + bce(b.click[r], z), 0) / b.size;
      const mean = [0, 1, 2].map((k) => refs.reduce((s, x) => s + x.q[k], 0) / b.size);
      const KL = mean.reduce((s, m) => s + m * (Math.log(m) + Math.log(3)), 0);
      const LA =
        refs.reduce((s, x, r) => s + (b.repeatShare[r] - x.q.reduce((t, q, k) => t + q * x.pr[k], 0)) ** 2, 0) / b.size;
      expect(loss).toBeCloseTo(LT + KL + 0.5 * LA, 5);
    });
  });

  it("recentRequests: f_ω(x) also projects the mean embedding of the earlier requests' contexts", () => {
    const o = { ...base, assignment: 'soft', scenarioInput: 'request', recentRequests: 3 } as MuseNetOptions;
    const net = createMuseNet(dims, o, createRng(1));
    expect(net.params.get('omega')!.shape).toEqual([4 * D, 2]);
    expect(net.recentRequests).toBe(3);
    withNet(net, 9, (w) => {
      const b = { ...batch(), recentContext: Float32Array.from([0.5, 0.5, 1, 0, 0, 0, 0.25, 0.75]) };
      const want = Array.from({ length: b.size }, (_, r) => reference(w, b, r, o).fx);
      expectClose(
        run(() => read(net.forward(b, 'eval', createRng(0)).fx)),
        want.flat(),
      );
      // A batch without the shares (a log without contexts) reads the field as 0.
      const none = batch();
      const want0 = Array.from({ length: none.size }, (_, r) => reference(w, none, r, o).fx);
      expectClose(
        run(() => read(net.forward(none, 'eval', createRng(0)).fx)),
        want0.flat(),
      );
    });
    // Off on a log without contexts.
    const flatNet = createMuseNet({ ...dims, nContexts: 0 }, o, createRng(1));
    expect([flatNet.params.get('omega')!.shape[0], flatNet.recentRequests]).toEqual([3 * D, 0]);
    for (const v of flatNet.params.values()) v.dispose();
  });

  it('beforeFit scales ω so that f_ω(x) of the first batch has unit variance, and seeds prototypes on its rows', async () => {
    const o = { ...base, assignment: 'soft', scenarioInput: 'request', scenarios: 2 } as MuseNetOptions;
    const net = createMuseNet(dims, o, createRng(1));
    const b = batch();
    await net.beforeFit!(b, createRng(3));
    const fx = run(() => net.forward(b, 'eval', createRng(0)).fx.arraySync() as number[][]);
    const P = fx[0].length;
    const variance =
      Array.from({ length: P }, (_, p) => {
        const m = fx.reduce((s, r) => s + r[p], 0) / fx.length;
        return fx.reduce((s, r) => s + (r[p] - m) ** 2, 0) / fx.length;
      }).reduce((s, v) => s + v, 0) / P;
    expect(variance).toBeCloseTo(1, 4);
    const proto = net.params.get('proto')!.arraySync() as number[][];
    const rows = proto.map((c) => fx.findIndex((r) => r.every((v, p) => Math.abs(v - c[p]) < 1e-5)));
    expect(rows.every((r) => r >= 0)).toBe(true);
    expect(new Set(rows).size).toBe(2);
    for (const v of net.params.values()) v.dispose();
  });

  it('hard: training draws a one-hot Gumbel assignment (eq. 7, τ = 0.1); prediction uses argmax Q_s (eq. 4)', () => {
    const o = { ...base, assignment: 'hard' } as MuseNetOptions;
    const net = createMuseNet(dims, o, createRng(1));
    withNet(net, 10, (w) => {
      const b = batch();
      const refs = Array.from({ length: b.size }, (_, r) => reference(w, b, r, o));
      const noise = createRng(3);
      for (let trial = 0; trial < 5; trial++) {
        const a = run(() => net.forward(b, 'train', noise).a.arraySync() as number[][]);
        for (const row of a) {
          expect(row.every((v) => v === 0 || v === 1)).toBe(true);
          expect(row.reduce((s, v) => s + v, 0)).toBe(1);
        }
      }
      const [p, assignment] = run(() => {
        const out = net.predict(b);
        return [read(out.pCtr), read(out.assignment)];
      });
      const argmax = refs.map((x) => x.q.indexOf(Math.max(...x.q)));
      expect(assignment).toEqual(argmax);
      expectClose(
        p,
        refs.map((x, r) => sigmoid(x.z[argmax[r]])),
      );
      // Gradients reach ω through the straight-through assignment.
      const g = tf.tidy(() => {
        const omega = net.params.get('omega')!;
        const { grads } = tf.variableGrads(() => net.loss(b, 'train', createRng(4)), [omega]);
        return tf.sum(tf.abs(grads[omega.name])).dataSync()[0];
      });
      net.afterStep!();
      expect(g).toBeGreaterThan(0);
    });
  });

  it('without the repeat module z_k is the explore score alone; with K = 1, Q ≡ 1 and the KL term vanishes', () => {
    const o = { ...base, assignment: 'soft', repeat: false, scenarios: 1 } as MuseNetOptions;
    const net = createMuseNet(dims, o, createRng(1));
    withNet(net, 11, (w) => {
      const b = batch();
      const [p, loss, pr] = run(() => {
        const out = net.predict(b);
        return [read(out.pCtr), read(net.loss(b, 'eval', createRng(0)))[0], out.repeatIntention];
      });
      expect(pr).toBeUndefined();
      const refs = Array.from({ length: b.size }, (_, r) => reference(w, b, r, o));
      expectClose(
        p,
        refs.map((x) => sigmoid(x.z[0])),
      );
      const bce = (y: number, q: number) => -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
      expect(loss).toBeCloseTo(p.reduce((s, q, r) => s + bce(b.click[r], q), 0) / b.size, 5);
    });
  });
});

describe('MuseNet objective as one JS op (headLoss)', () => {
  const base = { ...MUSENET_DEFAULTS, embeddingDim: D, maxLen: T, scenarios: 3, projectionDim: 2, hidden: 2 };

  it.each([
    ['soft', { assignment: 'soft' }],
    ['hard', { assignment: 'hard' }],
    ['no repeat module', { assignment: 'soft', repeat: false }],
    ['K = 1', { assignment: 'soft', scenarios: 1 }],
    ['per-sample KL', { assignment: 'soft', kl: 'per-sample' }],
    ['hard, per-sample KL, impression input', { assignment: 'hard', kl: 'per-sample', scenarioInput: 'impression' }],
  ] as const)('%s: value and every weight’s gradient equal the tfjs-ops objective', (_, variant) => {
    const o = { ...base, ...variant } as MuseNetOptions;
    const net = createMuseNet(dims, o, createRng(1));
    withNet(net, 12, () => {
      const b = batch();
      const vars = [...net.params.values()].filter((v) => v.trainable);
      const run = (js: boolean) =>
        tf.tidy(() => {
          // The same Gumbel draw for both paths (hard version).
          const { value, grads } = tf.variableGrads(() => net.loss(b, 'train', createRng(5), js), vars);
          net.afterStep!();
          return [value.dataSync()[0], ...vars.map((v) => Array.from(grads[v.name].dataSync()))];
        }) as unknown as [number, ...number[][]];
      // afterStep moves the prototypes: put them back between the two runs.
      const proto = net.params.get('proto')!;
      const saved = proto.dataSync().slice();
      const [vj, ...gj] = run(true);
      tf.tidy(() => proto.assign(tf.tensor(saved, proto.shape)));
      const [vo, ...go] = run(false);
      expect(vj).toBeCloseTo(vo, 5);
      gj.forEach((g, k) => expectClose(g, go[k], 5));
    });
  });

  it('gradients equal finite differences of the op itself', () => {
    const rng = createRng(21);
    const B = 3,
      K = 2,
      h = 2;
    const r = (n: number) => Array.from({ length: n }, () => rng.normal());
    const b = batch();
    const sub = {
      ...b,
      size: B,
      click: b.click.subarray(0, B),
      repeat: Uint8Array.from([1, 0, 1]),
      repeatShare: b.repeatShare.subarray(0, B),
    };
    const soft = (v: number[]) => {
      const out: number[] = [];
      for (let i = 0; i < B; i++) {
        const e = [Math.exp(v[i * K]), Math.exp(v[i * K + 1])];
        out.push(e[0] / (e[0] + e[1]), e[1] / (e[0] + e[1]));
      }
      return out;
    };
    const raw = [r(B * 2 * K * h), r(2 * K * h), r(2 * K), r(B * K * h), r(K * h), r(K), r(B * K)];
    const value = (x: number[][]) =>
      tf.tidy(() => {
        const a = soft(x[6]);
        return headLoss(
          tf.tensor2d(x[0], [B, 2 * K * h]),
          tf.tensor2d(x[3], [B, K * h]),
          tf.tensor2d(x[1], [2 * K, h]),
          tf.tensor1d(x[2]),
          tf.tensor2d(x[4], [K, h]),
          tf.tensor1d(x[5]),
          tf.tensor2d(a, [B, K]),
          tf.log(tf.tensor2d(a, [B, K])) as tf.Tensor2D,
          sub,
          { klWeight: 1, beta: 0.5 },
        ).dataSync()[0];
      });
    const grads = tf.tidy(() =>
      tf
        .grads(
          (sp: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor, ip: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor, lg: tf.Tensor) => {
            const logA = tf.logSoftmax(lg) as tf.Tensor2D;
            return headLoss(
              sp as tf.Tensor2D,
              ip as tf.Tensor2D,
              ws as tf.Tensor2D,
              bs,
              wi as tf.Tensor2D,
              bi,
              tf.exp(logA) as tf.Tensor2D,
              logA,
              sub,
              { klWeight: 1, beta: 0.5 },
            );
          },
        )([
          tf.tensor2d(raw[0], [B, 2 * K * h]),
          tf.tensor2d(raw[1], [2 * K, h]),
          tf.tensor1d(raw[2]),
          tf.tensor2d(raw[3], [B, K * h]),
          tf.tensor2d(raw[4], [K, h]),
          tf.tensor1d(raw[5]),
          tf.tensor2d(raw[6], [B, K]),
        ])
        .map((t) => Array.from(t.dataSync())),
    );
    const eps = 1e-3;
    raw.forEach((arr, k) =>
      arr.forEach((o, i) => {
        // Skip points on a ReLU kink, where the finite difference straddles it.
        if ((k === 0 || k === 3) && Math.abs(o) < 2 * eps) return;
        arr[i] = o + eps;
        const up = value(raw);
        arr[i] = o - eps;
        const dn = value(raw);
        arr[i] = o;
        expect(grads[k][i]).toBeCloseTo((up - dn) / (2 * eps), 2);
      }),
    );
  });
});
