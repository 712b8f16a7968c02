/** CSV text for exports (RFC 4180): the page's downloads and the CLI's files share these. */

/** One field: a number in full precision (empty when not finite or absent), text quoted when it holds a comma,
 * quote or line break (quotes doubled). */
export function csvField(v: string | number | undefined | null): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : (v ?? '');
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A header line and one line per row, each ending in a line break. */
export const csvText = (header: readonly string[], rows: readonly (readonly (string | number | undefined)[])[]) =>
  [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
