/** Interaction files in: the one parser the data worker, `rimw inspect`/`rimw run` and the benchmarks share. */
export { Ingest, ingestBytes, ingestChunks, columnsFor } from './ingest';
export {
  partBuffers,
  MAX_PROBLEMS,
  SKIP_REASONS,
  type EventTable,
  type IngestColumnsResult,
  type IngestPart,
  type PartSettings,
  type IngestProblem,
  type IngestReport,
  type IngestResult,
  type ReadOptions,
  type SkipReason,
} from './report';
export { sniffBytes, SNIFF_BYTES, type Sniff, type SniffOptions } from './sniff';
export { parseItemMeta, type ItemMetaMap } from './meta';
export { detectColumns, roleOfName, type Columns, type Role } from './columns';
export { DELIMITERS } from './records';
export { parseTime, MS_THRESHOLD, type Encoding } from './bytes';
export { warmUpParser } from './warmUp';
export { FLAG_BAD, lineOfEvent, parseFlag, type ExtraColumn, type ExtraValues } from './extras';
