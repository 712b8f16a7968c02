/**
 * `rimw inspect FILE [--items META] [--json]`: reads an interaction log with the app's ingest (core/data/ingest,
 * streamed from disk) and prints how it was read (format, roles, skipped rows with their lines) and the summary.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { CliCommand } from '../command';
import { COMMAND_HELP } from './help';
import { parseArgs } from '../command';
import {
  Ingest,
  parseItemMeta,
  SKIP_REASONS,
  type IngestReport,
  type IngestResult,
  type ItemMetaMap,
} from '../../core/data/ingest/index';
import { summarise } from '../../core/data/summary';

/** Node read chunks: 1 MiB (the default 64 KiB costs more per-chunk overhead for no memory gain here). */
const CHUNK = 1 << 20;

/** Streams FILE from disk through the shared ingest; a read error (missing file) is a refusal naming the file. */
export async function readInteractionFile(
  file: string,
): Promise<IngestResult | { ok: false; code: 'bad-file'; reason: string; report?: undefined }> {
  let ingest: Ingest;
  try {
    ingest = new Ingest(undefined, { sizeHint: statSync(file).size });
    for await (const chunk of createReadStream(file, { highWaterMark: CHUNK })) ingest.push(chunk as Uint8Array);
  } catch (e) {
    return { ok: false, code: 'bad-file', reason: `${file}: ${(e as Error).message}` };
  }
  const r = ingest.finish();
  return r.ok ? r : { ...r, reason: `${file}: ${r.reason}` };
}

/** Role → column name (header) or 1-based position (no header); absent roles left out. */
function columnNames(r: IngestReport): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [role, j] of Object.entries(r.columns) as [string, number][]) {
    if (j === undefined || j < 0) continue;
    out[role] = r.headerNames?.[j] ?? j + 1;
  }
  return out;
}

const delimName = (d: string) => (d === '\t' ? 'tab' : JSON.stringify(d));

export const inspect: CliCommand = {
  name: 'inspect',
  ...COMMAND_HELP.inspect,
  async run(argv, io) {
    const a = parseArgs(argv, { values: ['items'], switches: ['json'], positionals: 1 });
    const file = a.positionals[0];
    let meta: ItemMetaMap | null = null;
    if (a.values.items !== undefined) {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(a.values.items);
      } catch (e) {
        io.err(`rimw inspect: ${a.values.items}: ${(e as Error).message}`);
        return 1;
      }
      const m = parseItemMeta(bytes);
      if (!m.ok) {
        io.err(`rimw inspect: ${a.values.items}: ${m.reason}`);
        return 1;
      }
      meta = m.meta;
    }
    const r = await readInteractionFile(file);
    if (!r.ok) {
      io.err(`rimw inspect: ${r.reason}`);
      if (r.report && r.report.problems.length > 0)
        io.err(
          r.report.problems
            .slice(0, 5)
            .map((p) => `  line ${p.line}: ${p.reason}: ${p.text}`)
            .join('\n'),
        );
      return 1;
    }
    const rep = r.report;
    const s = summarise(r.dataset, file, meta);
    const json = {
      file,
      format: {
        delimiter: rep.format.delimiter,
        header: rep.format.header,
        encoding: rep.format.encoding,
        bom: rep.format.bom,
      },
      columns: columnNames(rep),
      rowsRead: rep.rowsRead,
      events: rep.events,
      skipped: rep.skipped,
      skippedBy: rep.skippedBy,
      problems: rep.problems,
      users: s.nUsers,
      items: s.nItems,
      timeRange: [s.tMin, s.tMax],
      density: s.density,
      repeatRate: s.repeatRate,
      topItems: s.topItems.map((t) => ({ id: t.id, count: t.events, ...(meta ? { title: t.title } : {}) })),
      itemsWithMeta: meta ? s.itemsWithMeta : undefined,
      warnings: s.warnings,
    };
    if (a.switches.has('json')) {
      io.out(JSON.stringify(json, null, 2));
      return 0;
    }
    const day = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
    const lines = [
      `${file}: ${delimName(rep.format.delimiter)}-separated, ${rep.format.header ? 'with a header' : 'no header'}, ${rep.format.encoding}${rep.format.bom ? ' (BOM)' : ''}`,
      `columns: ${Object.entries(json.columns)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
      `rows read ${rep.rowsRead}: ${rep.events} events, ${rep.skipped} skipped${
        rep.skipped
          ? ` (${SKIP_REASONS.filter((k) => rep.skippedBy[k])
              .map((k) => `${rep.skippedBy[k]} ${k}`)
              .join(', ')})`
          : ''
      }`,
      ...rep.problems.slice(0, 10).map((p) => `  line ${p.line}: ${p.reason}: ${p.text}`),
      `users ${s.nUsers}, items ${s.nItems}, density ${s.density!.toPrecision(3)}, repeat rate ${s.repeatRate!.toPrecision(3)}`,
      `time ${day(s.tMin)} → ${day(s.tMax)}`,
      `top items: ${s.topItems
        .slice(0, 5)
        .map((t) => `${t.id}${t.title ? ` ${t.title}` : ''} (${t.events})`)
        .join(', ')}`,
      ...(s.warnings ?? []).map((w) => `warning: ${w}`),
    ];
    io.out(lines.join('\n'));
    return 0;
  },
};
