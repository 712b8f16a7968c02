/**
 * `rimw synth`: writes a synthetic world as CSV (user_id,item_id,timestamp), streamed block by block so that the
 * 10M-event preset never holds the whole log, and optionally its ground truth at a test start (JSON).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { CliCommand, CliIo } from '../command';
import { COMMAND_HELP } from './help';
import { parseArgs, UsageError } from '../command';
import {
  SYNTH_PRESETS,
  eventBlocks,
  makeWorld,
  synthItemId,
  synthUserId,
  truthAt,
  type SynthConfig,
  type SynthPreset,
  type SynthWorld,
} from '../../core/data/synthetic/index';

const DAY = 86_400;
/** Truth rows get top items only while users × items × topics stays below this many multiply-adds (about a second). */
const TOP_ITEMS_BUDGET = 1e9;

/** Seconds from '3600', '12h' or '28d'. */
function parseDuration(name: string, v: string): number {
  const m = /^([0-9]*\.?[0-9]+)([smhd]?)$/.exec(v.trim());
  if (!m) throw new UsageError(`--${name} '${v}' is not a duration (e.g. 86400, 12h, 28d)`);
  const k = { '': 1, s: 1, m: 60, h: 3600, d: DAY }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  const x = Number(m[1]) * k;
  if (!(x > 0)) throw new UsageError(`--${name} must be positive`);
  return x;
}

function parseInstant(name: string, v: string): number {
  if (/^-?[0-9]+(\.[0-9]+)?$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new UsageError(`--${name} '${v}' is neither unix seconds nor a date`);
  return t / 1000;
}

function parseCount(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v.replace(/_/g, ''));
  if (!Number.isInteger(x) || x < 0) throw new UsageError(`--${name} '${v}' must be a non-negative integer`);
  return x;
}

async function write(s: WriteStream, text: string): Promise<void> {
  if (!s.write(text)) await once(s, 'drain');
}

async function close(s: WriteStream): Promise<void> {
  s.end();
  await once(s, 'finish');
}

export const synth: CliCommand = {
  name: 'synth',
  ...COMMAND_HELP.synth,
  async run(argv: string[], io: CliIo): Promise<number> {
    const a = parseArgs(argv, {
      values: ['preset', 'users', 'items', 'events', 'seed', 'out', 'truth', 'test-start', 'horizon', 'top'],
      positionals: 0,
    });
    const presetName = (a.values.preset ?? 'small') as SynthPreset;
    if (!(presetName in SYNTH_PRESETS))
      throw new UsageError(`--preset '${presetName}': one of ${Object.keys(SYNTH_PRESETS).join(', ')}`);
    if (!a.values.out) throw new UsageError('--out FILE is required');
    const p = SYNTH_PRESETS[presetName];
    const seed = Number(a.values.seed ?? 1);
    if (!Number.isInteger(seed)) throw new UsageError(`--seed '${a.values.seed}' must be an integer`);
    const config: SynthConfig = {
      nUsers: parseCount('users', a.values.users) ?? p.nUsers,
      nItems: parseCount('items', a.values.items) ?? p.nItems,
      targetEvents: parseCount('events', a.values.events) ?? p.targetEvents,
      seed,
    };
    const topK = parseCount('top', a.values.top) ?? 10;
    const w = makeWorld(config);
    if (!w.ok) {
      io.err(`rimw synth: ${w.reason}`);
      return 1;
    }
    const world = w.data;
    const horizon =
      a.values.horizon !== undefined
        ? parseDuration('horizon', a.values.horizon)
        : Math.min(28 * DAY, world.config.span / 10);
    const testStart =
      a.values['test-start'] !== undefined ? parseInstant('test-start', a.values['test-start']) : world.tEnd - horizon;
    const withTop = topK > 0 && world.config.nUsers * world.config.nItems * world.config.nTopics <= TOP_ITEMS_BUDGET;

    const csv = createWriteStream(a.values.out);
    const truth = a.values.truth ? createWriteStream(a.values.truth) : null;
    await write(csv, 'user_id,item_id,timestamp\n');
    if (truth) await write(truth, truthHeader(world, testStart, horizon));
    let events = 0;
    let firstUser = true;
    for (const b of eventBlocks(world, 1024)) {
      const lines: string[] = [];
      for (let j = 0; j < b.userEnd - b.userStart; j++) {
        const uid = synthUserId(b.userStart + j);
        for (let e = b.offsets[j]; e < b.offsets[j + 1]; e++)
          lines.push(`${uid},${synthItemId(b.item[e])},${b.time[e]}\n`);
      }
      events += b.item.length;
      await write(csv, lines.join(''));
      if (!truth) continue;
      const users = Int32Array.from({ length: b.userEnd - b.userStart }, (_, j) => b.userStart + j);
      const tr = truthAt(world, users, testStart, horizon, b);
      const K = world.items.nTopics;
      const rows: string[] = [];
      for (let r = 0; r < users.length; r++) {
        const u = users[r];
        const row = {
          user_id: synthUserId(u),
          start: round(world.users.start[u]),
          churn: round(world.users.end[u]),
          mu: world.users.mu[u],
          lambda: tr.lambda[r],
          expected_count: tr.expectedCount[r],
          hist_length: tr.histLength[r],
          last_item: tr.lastItem[r] >= 0 ? synthItemId(tr.lastItem[r]) : null,
          theta: Array.from(world.users.topics.subarray(u * K, (u + 1) * K), (x) => +x.toPrecision(6)),
          ...(withTop ? { top_items: Array.from(tr.topItems(r, topK), synthItemId) } : {}),
        };
        rows.push((firstUser ? '\n' : ',\n') + JSON.stringify(row));
        firstUser = false;
      }
      await write(truth, rows.join(''));
    }
    await close(csv);
    if (truth) {
      await write(truth, '\n]}\n');
      await close(truth);
    }
    io.out(
      `wrote ${events} events of ${world.config.nUsers} users × ${world.config.nItems} items (seed ${seed}) to ${a.values.out}` +
        (truth
          ? `; truth at T = ${new Date(testStart * 1000).toISOString()}, ΔT = ${+(horizon / DAY).toFixed(3)} d to ${a.values.truth}${withTop || topK === 0 ? '' : ' (top items skipped: world too large; use the factors)'}`
          : ''),
    );
    return 0;
  },
};

const round = (t: number) => Math.round(t * 1000) / 1000;

/** Everything but the per-user rows: the world's configuration and the item side of p(y|x). */
function truthHeader(w: SynthWorld, testStart: number, horizon: number): string {
  const n = w.items.nItems;
  const topicItem = Array.from({ length: w.items.nTopics }, (_, k) =>
    Array.from(w.items.topicItem.subarray(k * n, (k + 1) * n), (x) => +x.toPrecision(6)),
  );
  const head = {
    format: 'rimw-synth-truth/1',
    description:
      'lambda: Hawkes intensity at test_start (events/s); expected_count: E[events in [test_start, test_start + horizon)]; ' +
      'p(y|x) = (1 - recency) * sum_k theta[k] * topic_item[k][y] + recency * topic_item[item_topic[last_item]][y] (no last item: recency = 0). ' +
      'Item y of the arrays is item_id y + 1.',
    config: w.config,
    test_start: testStart,
    horizon,
    recency: w.items.recency,
    item_topic: Array.from(w.items.itemTopic),
    topic_item: topicItem,
  };
  const json = JSON.stringify(head);
  return json.slice(0, -1) + ',"users":[';
}
