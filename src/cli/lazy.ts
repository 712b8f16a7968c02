/**
 * The core entry points that load tfjs (the sequence models behind the pipeline), imported on their first call so that
 * `rimw --help`, `inspect`, `synth` and `dual` start without loading tfjs. Same signatures as the modules they stand
 * for.
 */
import type * as Pipeline from '../core/pipeline/run';

export const runExperiment: typeof Pipeline.runExperiment = async (...args) =>
  (await import('../core/pipeline/run')).runExperiment(...args);
