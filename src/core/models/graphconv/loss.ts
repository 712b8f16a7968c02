/** The loss of appendix B (graphConv.ts) on a batch of labels with their drawn negatives, and its gradient. */
import { forwardState, type GraphConvParams, type GraphConvTask, type StateForward } from './graphConv';

/** One label with its drawn negatives. */
export interface LabelDraw {
  row: number;
  item: number;
  weight: number;
  negRows: number[];
  negItems: number[];
}

/** Gradients, same shapes as the parameters. */
export type GraphConvGrads = Omit<GraphConvParams, 'dim' | 'nItems'>;

export function zeroGrads(p: GraphConvParams): GraphConvGrads {
  return {
    E: new Float64Array(p.E.length),
    bv: new Float64Array(p.bv.length),
    W: new Float64Array(p.W.length),
    b: new Float64Array(p.b.length),
    gamma: new Float64Array(p.gamma.length),
    beta: new Float64Array(p.beta.length),
    R: new Float64Array(p.R.length),
  };
}

/**
 * The batch loss ℓ (graphConv.ts) of labels of one task, and its gradient added into g. The score gradients are
 * gathered per state first, so each state's convolution is back-propagated once per batch.
 */
export function batchLossGrad(p: GraphConvParams, task: GraphConvTask, draws: LabelDraw[], g: GraphConvGrads): number {
  const D = p.dim;
  const fwd = new Map<number, StateForward>();
  const gH = new Map<number, Float64Array>();
  const state = (r: number) => {
    let f = fwd.get(r);
    if (!f) {
      f = forwardState(p, task.states[r]);
      fwd.set(r, f);
      gH.set(r, new Float64Array(D));
    }
    return f;
  };
  const score = (r: number, i: number) => {
    const h = state(r).h;
    let z = p.R[task.states[r].bucket] + p.bv[i];
    for (let k = 0; k < D; k++) z += h[k] * p.E[i * D + k];
    return z;
  };
  // ∂ℓ/∂score(r, i) = c: into h_r, E_i, the recency bias of r and bv_i.
  const addScoreGrad = (r: number, i: number, c: number) => {
    const h = state(r).h;
    const gh = gH.get(r) as Float64Array;
    for (let k = 0; k < D; k++) {
      gh[k] += c * p.E[i * D + k];
      g.E[i * D + k] += c * h[k];
    }
    g.R[task.states[r].bucket] += c;
    g.bv[i] += c;
  };
  let wSum = 0;
  for (const d of draws) wSum += d.weight;
  const nNeg = draws.length > 0 ? draws[0].negRows.length : 1;
  const norm = 1 / (2 * nNeg * Math.max(wSum, 1e-12));
  let loss = 0;
  for (const d of draws) {
    const pos = score(d.row, d.item);
    const pairs: [number, number][] = [
      ...d.negRows.map((r): [number, number] => [r, d.item]),
      ...d.negItems.map((i): [number, number] => [d.row, i]),
    ];
    for (const [r, i] of pairs) {
      const diff = pos - score(r, i);
      loss += d.weight * norm * (diff < -30 ? -diff : Math.log1p(Math.exp(-diff)));
      const c = d.weight * norm * (1 / (1 + Math.exp(diff))); // σ(−diff)
      addScoreGrad(d.row, d.item, -c);
      addScoreGrad(r, i, c);
    }
  }
  // Back through h = γ⊙n + β, the layer norm, z = Wᵀs + b and s = E_pad + Σ E_j.
  const gn = new Float64Array(D);
  const gz = new Float64Array(D);
  const gs = new Float64Array(D);
  for (const [r, f] of fwd) {
    const gh = gH.get(r) as Float64Array;
    let mg = 0;
    let mgn = 0;
    for (let k = 0; k < D; k++) {
      g.gamma[k] += gh[k] * f.n[k];
      g.beta[k] += gh[k];
      gn[k] = gh[k] * p.gamma[k];
      mg += gn[k];
      mgn += gn[k] * f.n[k];
    }
    mg /= D;
    mgn /= D;
    for (let k = 0; k < D; k++) {
      gz[k] = f.inv * (gn[k] - mg - f.n[k] * mgn);
      g.b[k] += gz[k];
    }
    for (let m = 0; m < D; m++) {
      let acc = 0;
      const sm = f.s[m];
      for (let k = 0; k < D; k++) {
        g.W[m * D + k] += sm * gz[k];
        acc += p.W[m * D + k] * gz[k];
      }
      gs[m] = acc;
    }
    const addRow = (j: number) => {
      for (let k = 0; k < D; k++) g.E[j * D + k] += gs[k];
    };
    addRow(p.nItems);
    for (const j of task.states[r].items) addRow(j);
  }
  return loss;
}
