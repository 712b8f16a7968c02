import { describe, expect, it } from 'vitest';
import { parseRimeMatch, pythonJsonToJson } from './rimeMtch';

/**
 * A results file shaped as the reference's ExperimentResult.save_results writes it (dataclasses.asdict, json.dump),
 * with mult = [0, 0.2, 0.5, 1, 3, 10] on 200 items and 600 users: _k1 = ceil(1% · 200) = 2, _c1 = ceil(1% · 600) = 6.
 * Written by hand, as Python would print it (NaN bare, keys in the dataclass's order).
 */
const MULT = [0, 0.2, 0.5, 1, 3, 10];
function point(m: number, i: number): string {
  const k = m < 1 ? 2 : 2 * m;
  const c = m < 1 ? 6 * m : 6;
  // user_ppl of the first point is NaN, as rime prints a perplexity of an empty assignment.
  const userPpl = i === 0 ? 'NaN' : String(100 + i);
  return (
    `{"prec": ${0.1 - i / 100}, "recs/user": ${k}, "item_cov": 0.5, "item_ppl": ${10 + 5 * i}, ` +
    `"user_cov": 1.0, "user_ppl": ${userPpl}, "obj_mean": 0.3, "recs/item_25%": 1.0, "recs/item_50%": 2.0, ` +
    `"recs/item_75%": 3.0, "k": ${k}, "c": ${c}}`
  );
}
const RIME_FILE = `{"dual": true, "online": false, "_k1": 2, "_c1": 6, "_kmax": 200, "_cmax": 600,
 "item_ppl_baseline": 150.2, "user_ppl_baseline": 480.0, "item_ppl": 150.2, "user_ppl": 480.0,
 "item_rec": {"Pop": {"prec": 0.1}}, "user_rec": {"Pop": {"prec": 0.2}},
 "mtch_": {"Pop": [${MULT.map(point).join(', ')}], "Note \\"NaN\\"": [${point(0, 1)}]}}`;

describe('parseRimeMatch', () => {
  it("splits a reference results file's points into lower bounds (m < 1) and upper bounds (m ≥ 1)", () => {
    const r = parseRimeMatch(RIME_FILE);
    if (!r.ok) throw new Error(r.reason);
    expect([r.data.dual, r.data.online]).toEqual([true, false]);
    expect(r.data.methods.map((m) => m.name)).toEqual(['Pop', 'Note "NaN"']);
    const pop = r.data.methods[0];
    // m = 0, 0.2, 0.5: k = _k1 = 2, c = 0, 1.2, 3 users: β = c / 600.
    expect(pop.lb.map((p) => p.alpha)).toEqual([0.01, 0.01, 0.01]);
    [0, 1.2 / 600, 3 / 600].forEach((b, i) => expect(pop.lb[i].beta).toBeCloseTo(b, 12));
    // m = 1, 3, 10: k = 2, 6, 20 items of 200; c = _c1 = 6.
    expect(pop.ub.map((p) => [p.alpha, p.beta])).toEqual([
      [0.01, 0.01],
      [0.03, 0.01],
      [0.1, 0.01],
    ]);
    expect(pop.lb.map((p) => p.metrics.item_ppl)).toEqual([10, 15, 20]);
    expect(pop.ub.map((p) => p.metrics.user_ppl)).toEqual([103, 104, 105]);
    // NaN is a missing value, not a zero; the other fields of that point stay.
    expect(pop.lb[0].metrics.user_ppl).toBeUndefined();
    expect(pop.lb[0].metrics.prec).toBe(0.1);
    expect(pop.lb[0].metrics['recs/user']).toBe(2);
    expect(r.data.skipped).toEqual([]);
  });

  it('reads our own points by alpha, beta and betaMax', () => {
    const ours = JSON.stringify({
      mtch_: {
        HP: [
          { alpha: 0.01, beta: 0, recall: 0.2, item_ppl: 5 },
          { alpha: 0.01, beta: 0.005, recall: 0.18, item_ppl: 40 },
          { alpha: 0.3, beta: 0, betaMax: 0.01, prec: 0.05, user_ppl: 900 },
        ],
      },
    });
    const r = parseRimeMatch(ours);
    if (!r.ok) throw new Error(r.reason);
    expect(r.data.methods[0].lb.map((p) => p.beta)).toEqual([0, 0.005]);
    expect(r.data.methods[0].ub.map((p) => [p.alpha, p.metrics.user_ppl])).toEqual([[0.3, 900]]);
  });

  it('refuses files it cannot overlay, saying why', () => {
    const reason = (text: string) => {
      const r = parseRimeMatch(text);
      return r.ok ? 'accepted' : `${r.code}: ${r.reason}`;
    };
    expect(reason('{"mtch_": {\n  "A": [1,]\n}}')).toMatch(/^not-json: not JSON \(.*']'/);
    expect(reason('[1, 2]')).toMatch(/^not-result: expected a JSON object/);
    expect(reason('{"item_rec": {}}')).toMatch(/^not-result: no "mtch_" field/);
    expect(reason('{"mtch_": [1]}')).toMatch(/^not-result: "mtch_" must map each method/);
    expect(reason('{"mtch_": {}}')).toBe('no-points: "mtch_" holds no usable point');
    // Reference points without the header cannot be told apart.
    expect(reason('{"mtch_": {"A": [{"k": 2, "c": 1, "prec": 0.1}]}}')).toMatch(
      /^no-points: .*A\[0\]: k and c need the header's _k1 and _c1/,
    );
    expect(reason('{"_k1": 2, "_c1": 6, "mtch_": {"A": [{"k": 2, "c": 1}], "B": 3}}')).toMatch(
      /A\[0\]: no finite metric.*B: expected a list of points, found number/,
    );
  });

  it('keeps good points and lists the bad ones', () => {
    const r = parseRimeMatch(
      '{"_k1": 2, "_c1": 6, "mtch_": {"A": [{"k": 2, "c": 3, "prec": 0.1}, {"k": 4, "c": 3, "prec": 0.1}, "x"]}}',
    );
    if (!r.ok) throw new Error(r.reason);
    expect(r.data.methods[0].lb).toHaveLength(1);
    expect(r.data.skipped).toEqual([
      'A[1]: k = 4 with c = 3 < _c1 (a lower bound needs k = _k1 = 2)',
      'A[2]: not an object',
    ]);
  });
});

describe('pythonJsonToJson', () => {
  it('turns bare NaN and ±Infinity into null, never inside strings', () => {
    expect(pythonJsonToJson('{"a": NaN, "b": -Infinity, "c": [Infinity], "s": "NaN \\" Infinity"}')).toBe(
      '{"a": null, "b": null, "c": [null], "s": "NaN \\" Infinity"}',
    );
  });
});
