import { splitByTime } from './split';
import type { CtrSplit, ImpressionLog } from './types';
import { generateCtrWorld } from './world';
import { ctrPresetConfig, type CtrWorldConfig, type CtrWorldPreset } from './worldConfig';

/**
 * A synthetic impression world for tests: a preset (its seed 1 unless given) with fields overridden, and its split by
 * MuseNet's ADS protocol (the first six sevenths of the time train, the last tests, a validation tail of training).
 */
export function testWorld(
  preset: CtrWorldPreset,
  over: Partial<CtrWorldConfig> = {},
): { log: ImpressionLog; split: CtrSplit } {
  const g = generateCtrWorld({ ...ctrPresetConfig(preset), ...over });
  if (!g.ok) throw new Error(g.reason);
  const s = splitByTime(g.data.log, { protocol: 'ads' });
  if (!s.ok) throw new Error(s.reason);
  return { log: g.data.log, split: s.data };
}
