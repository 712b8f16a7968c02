/**
 * Probe impressions: what a model sees of showing an item to a user at a time when it was not shown (the planner's
 * cells, plannerScores.ts): the user's impressions before that time, then the probes, each with the user's last
 * context.
 */
import { ctrBatch, featureIndex } from './features';
import type { CtrBatch, ImpressionLog } from './types';

/**
 * A log of `users`' impressions before `at`, each user followed by one probe impression of every item of `items`
 * (default all) at `at` (no click, no conversion); the probes' row numbers in order (user-major, then item).
 */
export function probeLog(
  log: ImpressionLog,
  users: Int32Array,
  at: number,
  items?: Int32Array,
): { log: ImpressionLog; probes: Int32Array } {
  const probed = items ?? Int32Array.from({ length: log.nItems }, (_, i) => i);
  const nProbed = probed.length;
  const before = (u: number) => {
    let e = log.userOffsets[u];
    while (e < log.userOffsets[u + 1] && log.time[e] < at) e++;
    return e - log.userOffsets[u];
  };
  const kept = Int32Array.from(users, before);
  const n = kept.reduce((a, k) => a + k, 0) + users.length * nProbed;
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const time = new Float64Array(n);
  const context = log.context ? new Int32Array(n) : undefined;
  const userOffsets = new Int32Array(log.nUsers + 1);
  const probes = new Int32Array(users.length * nProbed);
  const click = new Uint8Array(n);
  const conversion = new Uint8Array(n);
  let r = 0;
  let p = 0;
  let next = 0;
  for (let k = 0; k < users.length; k++) {
    const u = users[k];
    for (; next <= u; next++) userOffsets[next] = r;
    const s = log.userOffsets[u];
    let last = -1;
    for (let e = s; e < s + kept[k]; e++, r++) {
      user[r] = u;
      item[r] = log.item[e];
      time[r] = log.time[e];
      click[r] = log.click[e];
      conversion[r] = log.conversion[e];
      if (context) last = context[r] = log.context![e];
    }
    for (let i = 0; i < nProbed; i++, r++) {
      user[r] = u;
      item[r] = probed[i];
      time[r] = at;
      if (context) context[r] = last;
      probes[p++] = r;
    }
  }
  for (; next <= log.nUsers; next++) userOffsets[next] = r;
  const { truth: _truth, ...fields } = log;
  return { log: { ...fields, user, item, time, click, conversion, context, userOffsets }, probes };
}

/**
 * The features every probe of a user shares at `at` (history of clicks before it, the last context), one batch row
 * per user of `users`: a probe log with a single probe each (item 0; its item field is not meant to be read).
 */
export function userProbeBatch(
  log: ImpressionLog,
  users: Int32Array,
  at: number,
  maxLen: number,
  recentRequests?: number,
): CtrBatch {
  const probe = probeLog(log, users, at, Int32Array.of(0));
  return ctrBatch(probe.log, featureIndex(probe.log, maxLen), probe.probes, recentRequests);
}
