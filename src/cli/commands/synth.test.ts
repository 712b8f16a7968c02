import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synth } from './synth';
import { UsageError, type CliIo } from '../command';
import { generateSynthetic } from '../../core/data/synthetic/generate';
import { datasetEvents, truthAt } from '../../core/data/synthetic/truth';

function capture(): CliIo & { text: string[] } {
  const text: string[] = [];
  return { text, out: (t) => text.push(t), err: (t) => text.push(t) };
}

describe('rimw synth', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rimw-synth-'));
  const args = ['--users', '200', '--items', '40', '--events', '4000', '--seed', '3'];

  it('writes the same events as the in-memory generator, as CSV with a header', async () => {
    const out = join(dir, 'a.csv');
    const io = capture();
    expect(await synth.run([...args, '--out', out], io)).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('user_id,item_id,timestamp');
    const g = generateSynthetic({ nUsers: 200, nItems: 40, targetEvents: 4000, seed: 3 });
    if (!g.ok) throw new Error(g.reason);
    const d = g.data.dataset;
    expect(lines.length - 1).toBe(d.time.length);
    for (const e of [0, 1, 17, d.time.length - 1]) {
      expect(lines[e + 1]).toBe(`${d.userIds[d.user[e]]},${d.itemIds[d.item[e]]},${d.time[e]}`);
    }
    // Deterministic: a second run writes the same bytes.
    const out2 = join(dir, 'b.csv');
    await synth.run([...args, '--out', out2], capture());
    expect(readFileSync(out2, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('writes the truth at the asked test start: λ, expected counts and the factors of p(y|x)', async () => {
    const out = join(dir, 'c.csv');
    const tj = join(dir, 'c.json');
    const T = 946_684_800 + 400 * 86_400;
    expect(
      await synth.run(
        [...args, '--out', out, '--truth', tj, '--test-start', String(T), '--horizon', '30d', '--top', '3'],
        capture(),
      ),
    ).toBe(0);
    const truth = JSON.parse(readFileSync(tj, 'utf8'));
    expect(truth.test_start).toBe(T);
    expect(truth.horizon).toBe(30 * 86_400);
    expect(truth.users).toHaveLength(200);
    const g = generateSynthetic({ nUsers: 200, nItems: 40, targetEvents: 4000, seed: 3 });
    if (!g.ok) throw new Error(g.reason);
    const users = Int32Array.from({ length: 200 }, (_, u) => u);
    const tr = truthAt(g.data.world, users, T, 30 * 86_400, datasetEvents(g.data.dataset));
    const p = new Float64Array(40);
    for (const u of [0, 50, 199]) {
      const row = truth.users[u];
      expect(row.user_id).toBe(String(u + 1));
      expect(row.lambda).toBe(tr.lambda[u]);
      expect(row.expected_count).toBe(tr.expectedCount[u]);
      // p(y|x) rebuilt from the JSON factors with the documented formula, against truthAt's row.
      tr.itemProbs(u, p);
      const rho = row.last_item === null ? 0 : truth.recency;
      const zl = row.last_item === null ? -1 : truth.item_topic[Number(row.last_item) - 1];
      for (let y = 0; y < 40; y++) {
        let v = 0;
        row.theta.forEach((th: number, k: number) => (v += (1 - rho) * th * truth.topic_item[k][y]));
        if (zl >= 0) v += rho * truth.topic_item[zl][y];
        expect(v).toBeCloseTo(p[y], 4);
      }
      expect(row.top_items).toHaveLength(3);
      expect(p[Number(row.top_items[0]) - 1]).toBe(Math.max(...p));
    }
  });

  it('refuses bad input: usage errors throw UsageError (exit 2), a bad world is exit 1', async () => {
    await expect(synth.run(['--users', 'x', '--out', join(dir, 'x.csv')], capture())).rejects.toThrow(UsageError);
    await expect(synth.run(['--users', '10'], capture())).rejects.toThrow(/--out/);
    await expect(synth.run(['--preset', 'huge', '--out', join(dir, 'x.csv')], capture())).rejects.toThrow(/preset/);
    const io = capture();
    expect(await synth.run(['--users', '10', '--items', '0', '--out', join(dir, 'x.csv')], io)).toBe(1);
    expect(io.text.join('')).toMatch(/nItems/);
  });

  it('cleans up', () => rmSync(dir, { recursive: true, force: true }));
});
