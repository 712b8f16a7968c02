// Helper of ingest.bench.ts, run in a fresh Node process (no other bench loaded): times the core reading FILE from
// disk as `rimw inspect` does, RUNS times after one warm-up, and prints {ms: [...], cpu: [...], events} as JSON.
import { readInteractionFile } from '../src/cli/commands/inspect';

const [file, runs = '5'] = process.argv.slice(2);
const ms: number[] = [];
const cpu: number[] = [];
let events = 0;
for (let k = 0; k <= Number(runs); k++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await readInteractionFile(file);
  const t = performance.now() - t0;
  const c = process.cpuUsage(c0);
  if (!r.ok) throw new Error(r.reason);
  events = r.dataset.user.length;
  if (k > 0) {
    ms.push(t);
    cpu.push((c.user + c.system) / 1000);
  }
}
console.log(JSON.stringify({ ms, cpu, events }));
