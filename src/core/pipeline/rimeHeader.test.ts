import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRng } from '../util/rng';
import { ok } from '../util/result';
import { datasetFromEvents } from '../data/split.fixtures';
import { makeSplit } from '../data/split';
import { handTemporalSplit, hawkesWorld } from '../models/intensity/testSupport';
import { defaultRegistry } from './defaultRegistry';
import { runExperiment } from './run';
import { rimeHeader } from './rimeHeader';

const DAY = 86400;
const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(__dirname, '../../../scripts/check_rime_result.py');

describe("the reference's ExperimentResult header", () => {
  it('perplexity baselines by hand: candidate items’ training counts, test states’ history lengths', () => {
    // T = 10: training events a:x,x,y  b:z  (c starts after T). Test states: a (3 events), b (1 event).
    const D = datasetFromEvents(
      ['a', 'a', 'a', 'b', 'a', 'b', 'c'],
      ['x', 'x', 'y', 'z', 'y', 'x', 'w'],
      [1, 2, 3, 4, 11, 12, 13],
    );
    const s = makeSplit(D, { kind: 'temporal', testStart: 10, horizon: 5 });
    if (!s.ok) throw new Error(s.reason);
    const h = rimeHeader(D, s.data, { split: s.data.config, models: ['Pop'], seed: 1 }, 1, 1);
    // Items x, y, z with counts 2, 1, 1 (w unseen): p = ½, ¼, ¼, entropy 1.5 ln 2, perplexity 2^1.5.
    expect(h.item_ppl_baseline).toBeCloseTo(2 ** 1.5, 12);
    // Histories 3 and 1: p = ¾, ¼.
    expect(h.user_ppl_baseline).toBeCloseTo(Math.exp(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25))), 12);
    expect(h).toMatchObject({ dual: false, online: false, _k1: 1, _c1: 1, _kmax: 3, _cmax: 2 });
  });

  it('an export passes the stdlib Python check of every field the reference plotting functions read', async () => {
    if (!existsSync(PYTHON)) {
      console.warn(`skipped: ${PYTHON} is absent, the Python check of the results JSON cannot run`);
      return;
    }
    const world = hawkesWorld({
      seed: 3,
      nUsers: 200,
      nItems: 30,
      span: 120 * DAY,
      mu: 0.05 / DAY,
      a: 0.6,
      s: 2 * DAY,
      rng: createRng(5),
    });
    const T = 100 * DAY;
    const h = 7 * DAY;
    const cfg = {
      split: { kind: 'temporal' as const, testStart: T, horizon: h },
      models: ['Pop', 'Hawkes', 'Rand'],
      seed: 1,
      match: { betas: [0, 0.01, 0.02], alphas: [0.05, 0.1], mode: 'online' as const },
    };
    const res = await runExperiment(world.dataset, cfg, {
      splitter: () => ok(handTemporalSplit(world.dataset, T, h)),
      registry: defaultRegistry({ sequence: false }),
    });
    if (!res.ok) throw new Error(res.reason);
    const dir = mkdtempSync(join(tmpdir(), 'rimw-rime-'));
    try {
      const run = (obj: unknown) => {
        const file = join(dir, 'results.json');
        writeFileSync(file, JSON.stringify(obj));
        return spawnSync(PYTHON, [SCRIPT, file], { encoding: 'utf8' });
      };
      const good = run(res.data);
      expect(good.stdout.trim()).toBe('ok');
      expect(good.status).toBe(0);
      // The check can fail: a missing header field and points indexed by delivered counts are both caught.
      const { _k1: _drop, ...noK1 } = res.data;
      const bad = run(noK1);
      expect(bad.status).toBe(1);
      expect(bad.stdout).toMatch(/missing field _k1/);
      const delivered = {
        ...res.data,
        mtch_: Object.fromEntries(
          Object.entries(res.data.mtch_!).map(([m, pts]) => [m, pts.map((p) => ({ ...p, k: p['recs/user'] + 0.5 }))]),
        ),
      };
      expect(run(delivered).stdout).toMatch(/get_mtch_\(k=\d+\) finds no point/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
