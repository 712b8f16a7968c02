import type { ImpressionSummary } from '../src/core/ctr/log';
import type { LoadProblem } from './dataRead';

/** What the page shows of the impression log the click-and-conversion worker holds (and what is saved with it). */
export interface CtrData {
  source: string;
  summary: ImpressionSummary;
  /** The hidden scenarios of a synthetic world (null for a file: nothing knows them). */
  trueScenarios: number | null;
  /** Rows the reader left out, by physical line, with what was expected. */
  problems: LoadProblem[];
  /** How many rows were left out in all (problems lists the first of each kind). */
  skipped: number;
}
