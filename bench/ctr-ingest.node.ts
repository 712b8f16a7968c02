// Helper of ctr.bench.ts, run in a fresh Node process (no other bench loaded): times reading FILE from disk, streamed
// in 1 MiB chunks, with the impression reader (KIND impressions) or the interaction reader as `rimw inspect` reads it
// (KIND interactions), RUNS times after one warm-up; prints {ms: [...], cpu: [...], events} as JSON.
import { createReadStream, statSync } from 'node:fs';
import { readInteractionFile } from '../src/cli/commands/inspect';
import { ImpressionReader } from '../src/core/ctr/read';

const [kind, file, runs = '2'] = process.argv.slice(2);

async function readImpressions(): Promise<number> {
  const r = new ImpressionReader({}, { sizeHint: statSync(file).size });
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) r.push(chunk as Uint8Array);
  const res = r.finish();
  if (!res.ok) throw new Error(res.reason);
  return res.log.user.length;
}

async function readInteractions(): Promise<number> {
  const r = await readInteractionFile(file);
  if (!r.ok) throw new Error(r.reason);
  return r.dataset.user.length;
}

const ms: number[] = [];
const cpu: number[] = [];
let events = 0;
for (let k = 0; k <= Number(runs); k++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  events = kind === 'impressions' ? await readImpressions() : await readInteractions();
  const t = performance.now() - t0;
  const c = process.cpuUsage(c0);
  if (k > 0) {
    ms.push(t);
    cpu.push((c.user + c.system) / 1000);
  }
}
console.log(JSON.stringify({ ms, cpu, events }));
