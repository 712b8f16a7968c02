/** The synthetic world with ground truth: generator (streamed or whole), presets, and truthAt. */
export {
  SYNTH_PRESETS,
  presetConfig,
  resolveSynthConfig,
  type SynthConfig,
  type ResolvedSynthConfig,
  type SynthPreset,
} from './config';
export {
  makeWorld,
  eventBlocks,
  buildSynthDataset,
  generateSynthetic,
  userHawkes,
  synthUserId,
  synthItemId,
  type SynthWorld,
  type SynthUsers,
  type EventBlock,
} from './generate';
export { truthAt, datasetEvents, type SynthTruth, type TruthEvents } from './truth';
export { QUALITY_PRESETS, type QualityPreset } from './qualityPresets';
export { expectedCount, excitationAt, stationaryRate, type HawkesParams, type Excitation } from './hawkes';
export { nextItemProbs, type ItemModel } from './items';
