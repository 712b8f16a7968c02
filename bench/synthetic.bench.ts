// Time to generate synthetic worlds (core/data/synthetic): the app's opening world must be ready in under a second.
import { table, timeIt, type Bench } from './lib';
import {
  buildSynthDataset,
  eventBlocks,
  makeWorld,
  presetConfig,
  type SynthPreset,
} from '../src/core/data/synthetic/index';

function world(p: SynthPreset) {
  const w = makeWorld(presetConfig(p, 1));
  if (!w.ok) throw new Error(w.reason);
  return w.data;
}

const bench: Bench = {
  name: 'synthetic',
  title: 'Synthetic world generation',
  async run() {
    const rows: (string | number)[][] = [];
    for (const [p, runs] of [
      ['small', 7],
      ['ml1m', 5],
    ] as const) {
      let events = 0;
      const t = await timeIt(
        () => {
          events = buildSynthDataset(world(p)).time.length;
        },
        runs,
        1,
      );
      rows.push([p, events, String(runs), t.median, t.min, t.max, ((events / t.median) * 1e3) / 1e6]);
    }
    // 10M: streamed in blocks (no Dataset held), one timed run: it is the memory-bounded path of `rimw synth`.
    let events = 0;
    const t = await timeIt(
      () => {
        events = 0;
        for (const b of eventBlocks(world('10m'), 1024)) events += b.item.length;
      },
      1,
      0,
    );
    rows.push(['10m (streamed)', events, '1', t.median, t.min, t.max, ((events / t.median) * 1e3) / 1e6]);
    return [
      'World parameters (calibration included) plus exact Hawkes simulation and item draws; `small` and `ml1m` build the whole Dataset.',
      '',
      table(['preset', 'events', 'runs', 'median ms', 'min ms', 'max ms', 'M events/s'], rows),
    ].join('\n');
  },
};

export default bench;
