import { describe, expect, it } from 'vitest';
import { buildSynthDataset, eventBlocks, generateSynthetic, makeWorld, userHawkes, type SynthWorld } from './generate';
import { presetConfig, resolveSynthConfig, SYNTH_PRESETS, type SynthConfig } from './config';
import { datasetEvents, truthAt } from './truth';
import { expectedCount } from './hawkes';
import type { Dataset } from '../types';

const DAY = 86_400;
const base = { nUsers: 3000, nItems: 200, targetEvents: 60_000, seed: 7 };

function world(c: SynthConfig = base): SynthWorld {
  const w = makeWorld(c);
  if (!w.ok) throw new Error(w.reason);
  return w.data;
}
const W = world();
const D = buildSynthDataset(W);

describe('synthetic generator', () => {
  it('is deterministic by seed, and streaming in blocks gives the same events as a whole build', () => {
    const again = buildSynthDataset(world());
    expect(again.time).toEqual(D.time);
    expect(again.item).toEqual(D.item);
    const other = buildSynthDataset(world({ ...base, seed: 8 }));
    expect(other.time.length === D.time.length && other.time.every((t, i) => t === D.time[i])).toBe(false);
    const items: number[] = [];
    const offs: number[] = [0];
    for (const b of eventBlocks(W, 37)) {
      for (let j = 1; j < b.offsets.length; j++) offs.push(items.length + b.offsets[j]);
      items.push(...b.item);
    }
    expect(Int32Array.from(items)).toEqual(D.item);
    expect(Int32Array.from(offs)).toEqual(D.userOffsets);
    // A stop signal ends the stream at a block boundary.
    const signal = { aborted: false };
    let seen = 0;
    for (const b of eventBlocks(W, 100, signal)) {
      seen = b.userEnd;
      signal.aborted = true;
    }
    expect(seen).toBe(100);
  });

  it('builds a well-formed Dataset: CSR order, sorted times inside each user life, counts', () => {
    expect(D.userOffsets[0]).toBe(0);
    expect(D.userOffsets[D.nUsers]).toBe(D.time.length);
    let bad = 0;
    for (let u = 0; u < D.nUsers; u++) {
      for (let e = D.userOffsets[u]; e < D.userOffsets[u + 1]; e++) {
        if (D.user[e] !== u) bad++;
        if (e > D.userOffsets[u] && D.time[e] < D.time[e - 1]) bad++;
        if (D.time[e] < Math.floor(W.users.start[u]) || D.time[e] >= W.users.end[u]) bad++;
        if (!Number.isInteger(D.time[e])) bad++;
      }
    }
    expect(bad).toBe(0);
    const counts = new Int32Array(D.nItems);
    for (const i of D.item) counts[i]++;
    expect(D.itemCounts).toEqual(counts);
    // It looks like MovieLens: unix seconds from 2000-01-01 over three years.
    expect(Math.min(...D.time.subarray(0, 1000))).toBeGreaterThanOrEqual(946_684_800);
    expect(D.time.reduce((a, b) => Math.max(a, b), 0)).toBeLessThan(946_684_800 + 3 * 365.25 * DAY);
  });

  it('rejects bad configs with the field named', () => {
    const r = resolveSynthConfig({ ...base, aShort: 0.7, aLong: 0.4 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/aLong/);
    const r2 = makeWorld({ ...base, nItems: 0 });
    expect(!r2.ok && r2.code).toBe('bad-config');
  });
});

describe('ground truth against the generated events', () => {
  const users = Int32Array.from({ length: D.nUsers }, (_, u) => u);
  const T = W.config.t0 + W.config.span / 2;
  const h = 30 * DAY;

  function windowCounts(ds: Dataset, t0: number, t1: number): Float64Array {
    const n = new Float64Array(ds.nUsers);
    for (let e = 0; e < ds.time.length; e++) if (ds.time[e] >= t0 && ds.time[e] < t1) n[ds.user[e]]++;
    return n;
  }

  it('empirical counts in [T, T+h) average to the expected counts (z-score over 3000 users), and a naive truth fails', () => {
    const tr = truthAt(W, users, T, h, datasetEvents(D));
    const N = windowCounts(D, T, T + h);
    let s = 0,
      s2 = 0,
      sn = 0,
      naive = 0,
      naive2 = 0;
    for (let u = 0; u < users.length; u++) {
      const d = N[u] - tr.expectedCount[u];
      s += d;
      s2 += d * d;
      sn += N[u];
      // A wrong truth that forgets the history: a fresh process from max(T, start).
      const a = Math.max(T, W.users.start[u]);
      const b = Math.min(T + h, W.users.end[u]);
      const dn = N[u] - (b > a ? expectedCount(userHawkes(W, u), { short: 0, long: 0 }, b - a) : 0);
      naive += dn;
      naive2 += dn * dn;
    }
    expect(sn).toBeGreaterThan(500); // enough events for the test to have power
    expect(Math.abs(s / Math.sqrt(s2))).toBeLessThan(4);
    expect(naive / Math.sqrt(naive2)).toBeGreaterThan(6);
  });

  it('λ(T) is the Hawkes intensity from its definition, 0 outside the user life; counts vanish after churn', () => {
    const tr = truthAt(W, users, T, h, datasetEvents(D));
    const c = W.config;
    for (let u = 0; u < 300; u++) {
      let lam = 0;
      if (T >= W.users.start[u] && T < W.users.end[u]) {
        lam = W.users.mu[u];
        for (let e = D.userOffsets[u]; e < D.userOffsets[u + 1] && D.time[e] < T; e++) {
          const dt = T - D.time[e];
          lam +=
            (c.aShort / c.scaleShort) * Math.exp(-dt / c.scaleShort) +
            (c.aLong / c.scaleLong) * Math.exp(-dt / c.scaleLong);
        }
      }
      expect(tr.lambda[u]).toBeCloseTo(lam, 15);
      if (T >= W.users.end[u]) expect(tr.expectedCount[u]).toBe(0);
    }
    // Before the start: nothing now, then a fresh process from the start.
    const u = users.find((v) => W.users.start[v] > T + 10 * DAY && W.users.end[v] - W.users.start[v] > h)!;
    const early = truthAt(W, [u], W.users.start[u] - h / 2, h, datasetEvents(D));
    expect(early.lambda[0]).toBe(0);
    expect(early.histLength[0]).toBe(0);
    expect(early.expectedCount[0]).toBeCloseTo(expectedCount(userHawkes(W, u), { short: 0, long: 0 }, h / 2), 12);
  });

  it('items follow p(y|x): observed counts vs Σ over events of p(y | history), chi-square', () => {
    const m = W.items;
    const K = m.nTopics;
    const n = m.nItems;
    const expTrue = new Float64Array(n);
    for (let u = 0; u < D.nUsers; u++) {
      // Mixture part Σ_k θ_k φ_k[y], from the factors, written out here.
      const mix = new Float64Array(n);
      for (let k = 0; k < K; k++)
        for (let y = 0; y < n; y++) mix[y] += W.users.topics[u * K + k] * m.topicItem[k * n + y];
      for (let e = D.userOffsets[u]; e < D.userOffsets[u + 1]; e++) {
        const first = e === D.userOffsets[u];
        const z = first ? -1 : m.itemTopic[D.item[e - 1]];
        for (let y = 0; y < n; y++)
          expTrue[y] += first ? mix[y] : (1 - m.recency) * mix[y] + m.recency * m.topicItem[z * n + y];
      }
    }
    let x = 0,
      df = -1;
    for (let y = 0; y < n; y++) {
      if (expTrue[y] < 5) continue;
      x += (D.itemCounts[y] - expTrue[y]) ** 2 / expTrue[y];
      df++;
    }
    expect(df).toBeGreaterThan(100);
    // Each event is a multinomial draw given its past, so Var(O_y) ≤ E_y and E[X²] ≤ df: allow 5 standard deviations.
    expect(x).toBeLessThan(df + 5 * Math.sqrt(2 * df));
    // truthAt's rows are distributions equal to the same formula.
    const tr = truthAt(W, [5, 6], T, h, datasetEvents(D));
    const row = new Float64Array(n);
    tr.itemProbs(0, row);
    expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const top = tr.topItems(0, 3);
    expect(row[top[0]]).toBeGreaterThanOrEqual(row[top[1]]);
  });

  it('the recency term is real: repeats of the last item topic match p(y|x) and reject ρ = 0', () => {
    const m = W.items;
    const K = m.nTopics;
    const n = m.nItems;
    // Per topic k, the mass of topic-k items under φ_j: c[j][k] = Σ_{y: z(y)=k} φ_j[y].
    const c = new Float64Array(K * K);
    for (let j = 0; j < K; j++) for (let y = 0; y < n; y++) c[j * K + m.itemTopic[y]] += m.topicItem[j * n + y];
    let obs = 0,
      e1 = 0,
      v1 = 0,
      e0 = 0,
      v0 = 0;
    for (let u = 0; u < D.nUsers; u++) {
      for (let e = D.userOffsets[u] + 1; e < D.userOffsets[u + 1]; e++) {
        const z = m.itemTopic[D.item[e - 1]];
        let mixSame = 0; // P(next item in topic z) from the mixture part
        for (let k = 0; k < K; k++) mixSame += W.users.topics[u * K + k] * c[k * K + z];
        const p1 = (1 - m.recency) * mixSame + m.recency * c[z * K + z];
        e1 += p1;
        v1 += p1 * (1 - p1);
        e0 += mixSame;
        v0 += mixSame * (1 - mixSame);
        if (m.itemTopic[D.item[e]] === z) obs++;
      }
    }
    expect(Math.abs(obs - e1) / Math.sqrt(v1)).toBeLessThan(4);
    expect((obs - e0) / Math.sqrt(v0)).toBeGreaterThan(6);
  });
});

describe('repeats and cohorts', () => {
  it('an event re-consumes a history item as often as truthAt p(y|x) puts on history items, not as without repeats', () => {
    const w = world({ ...base, nUsers: 1500, repeat: 0.4 });
    const ds = buildSynthDataset(w);
    const n = w.items.nItems;
    const p = new Float64Array(n);
    const inHist = new Uint8Array(n);
    let obs = 0,
      e1 = 0,
      v1 = 0,
      e0 = 0,
      v0 = 0;
    for (let u = 0; u < ds.nUsers; u += 3) {
      for (let e = ds.userOffsets[u] + 1; e < ds.userOffsets[u + 1]; e++) {
        // The truth at the instant of event e (its history is every earlier event of the user).
        const tr = truthAt(
          w,
          [u],
          ds.time[e] === ds.time[e - 1] ? ds.time[e] + 0.5 : ds.time[e],
          DAY,
          datasetEvents(ds),
        );
        if (tr.histLength[0] !== e - ds.userOffsets[u]) continue; // a tie in time: history not well defined
        tr.itemProbs(0, p);
        inHist.fill(0);
        for (let j = ds.userOffsets[u]; j < e; j++) inHist[ds.item[j]] = 1;
        let q = 0;
        for (let y = 0; y < n; y++) if (inHist[y]) q += p[y];
        // The same mass without the repeat part: (q − repeat) / (1 − repeat) is the topic model's share.
        const q0 = (q - 0.4) / 0.6;
        e1 += q;
        v1 += q * (1 - q);
        e0 += q0;
        v0 += q0 * (1 - q0);
        if (inHist[ds.item[e]]) obs++;
      }
    }
    expect(Math.abs(obs - e1) / Math.sqrt(v1)).toBeLessThan(4);
    expect((obs - e0) / Math.sqrt(v0)).toBeGreaterThan(6);
  });

  it('startSpread 0 starts every user at t0; out-of-range repeat and startSpread are refused by name', () => {
    const w = world({ ...base, nUsers: 50, startSpread: 0 });
    expect(w.users.start.every((t) => t === w.config.t0)).toBe(true);
    const bad = resolveSynthConfig({ ...base, repeat: 1.5 });
    expect(bad.ok ? '' : bad.reason).toMatch(/^synthetic config: repeat = 1.5/);
    const bad2 = resolveSynthConfig({ ...base, startSpread: -1 });
    expect(bad2.ok ? '' : bad2.reason).toMatch(/^synthetic config: startSpread = -1/);
  });
});

describe('ground truth of λ(x, y) with recency ρ = 0', () => {
  it('window counts per (user group × item topic) cell match Σ_u E[N_u]·p_u(cell); a popularity-only guess fails', () => {
    const w = world({ ...base, nItems: 60, recency: 0 });
    const ds = buildSynthDataset(w);
    const K = w.items.nTopics;
    const users = Int32Array.from({ length: ds.nUsers }, (_, u) => u);
    const T = w.config.t0 + w.config.span / 3;
    const h = 60 * DAY;
    const tr = truthAt(w, users, T, h, datasetEvents(ds));
    // Cells: users grouped by their dominant topic g, items by their topic k.
    const group = (u: number) => {
      let g = 0;
      for (let k = 1; k < K; k++) if (w.users.topics[u * K + k] > w.users.topics[u * K + g]) g = k;
      return g;
    };
    // Given the user, items are iid draws from p_u, so a cell with mass q has Var = q E[N] + q² (Var N − E[N]); a Hawkes
    // count has Var N ≤ E[N]/(1 − n)² (n = a_s + a_l, the cluster-size bound), which bounds each cell's variance.
    const over = 1 / (1 - w.config.aShort - w.config.aLong) ** 2 - 1;
    const expected = new Float64Array(K * K);
    const variance = new Float64Array(K * K);
    const observed = new Float64Array(K * K);
    const p = new Float64Array(60);
    for (let u = 0; u < ds.nUsers; u++) {
      const g = group(u);
      for (let e = ds.userOffsets[u]; e < ds.userOffsets[u + 1]; e++) {
        if (ds.time[e] >= T && ds.time[e] < T + h) observed[g * K + w.items.itemTopic[ds.item[e]]]++;
      }
      const en = tr.expectedCount[u];
      if (en === 0) continue;
      tr.itemProbs(u, p);
      const q = new Float64Array(K);
      for (let y = 0; y < 60; y++) q[w.items.itemTopic[y]] += p[y];
      for (let k = 0; k < K; k++) {
        expected[g * K + k] += en * q[k];
        variance[g * K + k] += en * q[k] + q[k] * q[k] * en * over;
      }
    }
    let x = 0,
      df = 0;
    for (let c = 0; c < K * K; c++) {
      if (expected[c] < 5) continue;
      x += (observed[c] - expected[c]) ** 2 / variance[c];
      df++;
    }
    expect(df).toBeGreaterThan(8);
    expect(x).toBeLessThan(df + 5 * Math.sqrt(2 * df));
    // Popularity-only guess: each group's window total spread by the overall share of each topic's items.
    const share = new Float64Array(K);
    for (let y = 0; y < 60; y++) share[w.items.itemTopic[y]] += ds.itemCounts[y] / ds.time.length;
    let xw = 0;
    for (let g = 0; g < K; g++) {
      let tot = 0;
      for (let k = 0; k < K; k++) tot += observed[g * K + k];
      for (let k = 0; k < K; k++)
        if (expected[g * K + k] >= 5) xw += (observed[g * K + k] - tot * share[k]) ** 2 / variance[g * K + k];
    }
    expect(xw).toBeGreaterThan(df + 10 * Math.sqrt(2 * df));
  });
});

describe('presets', () => {
  it('small lands within ±10% of 100,000 events', () => {
    const r = generateSynthetic(presetConfig('small', 3));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data.dataset.nUsers).toBe(2000);
    expect(r.data.dataset.nItems).toBe(500);
    expect(Math.abs(r.data.dataset.time.length / 100_000 - 1)).toBeLessThan(0.1);
  });

  it('ml1m lands within ±10% of 1,000,209 events over 6,040 × 3,706', () => {
    const r = generateSynthetic(presetConfig('ml1m', 1));
    if (!r.ok) throw new Error(r.reason);
    expect([r.data.dataset.nUsers, r.data.dataset.nItems]).toEqual([6040, 3706]);
    expect(Math.abs(r.data.dataset.time.length / SYNTH_PRESETS.ml1m.targetEvents - 1)).toBeLessThan(0.1);
  });

  it('10m: its expected total is the target, and the first blocks realise their expected share within ±10%', () => {
    const w = makeWorld(presetConfig('10m', 1));
    if (!w.ok) throw new Error(w.reason);
    let sum = 0;
    for (const e of w.data.users.expectedEvents) sum += e;
    expect(sum / 10_000_054).toBeCloseTo(1, 9);
    let got = 0,
      want = 0,
      blocks = 0;
    for (const b of eventBlocks(w.data, 2048)) {
      got += b.item.length;
      for (let u = b.userStart; u < b.userEnd; u++) want += w.data.users.expectedEvents[u];
      if (++blocks === 3) break;
    }
    expect(Math.abs(got / want - 1)).toBeLessThan(0.1);
  });
});
