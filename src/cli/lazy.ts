/**
 * The core entry points that load tfjs (the sequence models behind the pipeline), imported on their first call so that
 * `rimw --help`, `inspect`, `synth` and `dual` start without loading tfjs. Same signatures as the modules they stand
 * for.
 */
import type * as Pipeline from '../core/pipeline/run';
import type * as Registry from '../core/pipeline/defaultRegistry';

export const runExperiment: typeof Pipeline.runExperiment = async (...args) =>
  (await import('../core/pipeline/run')).runExperiment(...args);

export const defaultRegistry = async (
  ...args: Parameters<typeof Registry.defaultRegistry>
): Promise<ReturnType<typeof Registry.defaultRegistry>> =>
  (await import('../core/pipeline/defaultRegistry')).defaultRegistry(...args);
