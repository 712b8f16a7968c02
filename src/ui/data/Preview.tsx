/**
 * The chosen file's first lines with a role select above each column, and the delimiter and header as detected;
 * changing the delimiter or header re-splits the preview, changing a role and pressing Load re-reads the file.
 */
import type { Columns } from '../../bridge/data';
import { loadPreviewed, setFormat, setRole } from '../../state/dataset';
import { useStore } from '../../state/store';

const ROLES: { role: keyof Columns | 'none'; label: string }[] = [
  { role: 'none', label: '(ignore)' },
  { role: 'user', label: 'user' },
  { role: 'item', label: 'item' },
  { role: 'value', label: 'rating / value' },
  { role: 'time', label: 'time (unix s / ms / ISO date)' },
  { role: 'eventType', label: 'event type (not used)' },
];

/** The delimiters the ingest reads (core/data/ingest DELIMITERS), with names for the select. */
const DELIMS: { d: string; label: string }[] = [
  { d: ',', label: 'comma' },
  { d: '\t', label: 'tab' },
  { d: ';', label: 'semicolon' },
  { d: '|', label: 'pipe' },
  { d: '::', label: ':: (MovieLens .dat)' },
];

export function Preview() {
  const p = useStore((s) => s.dataset.preview);
  const busy = useStore((s) => s.dataset.status === 'busy');
  if (!p) return null;
  const nCols = Math.max(p.sniff.header?.length ?? 0, ...p.sniff.rows.map((r) => r.length));
  const roleOf = (j: number) =>
    (Object.keys(p.readAs.columns) as (keyof Columns)[]).find((k) => p.readAs.columns[k] === j) ?? 'none';
  const delim = DELIMS.find((x) => x.d === p.sniff.delimiter)?.label ?? `"${p.sniff.delimiter}"`;
  return (
    <details
      className="preview"
      data-testid="data.preview"
      key={p.fileName}
      open={p.sniff.confident ? undefined : true}
    >
      <summary>
        {p.fileName}: first lines, separated by {delim}
        {p.sniff.header ? ', with a header' : ', no header'}
      </summary>
      <div className="row preview-format">
        <label>
          separated by{' '}
          <select
            data-testid="data.preview.delimiter"
            value={p.readAs.delimiter}
            disabled={busy}
            onChange={(e) => void setFormat({ delimiter: e.currentTarget.value })}
          >
            {DELIMS.map((x) => (
              <option key={x.d} value={x.d}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            data-testid="data.preview.header"
            checked={p.readAs.header}
            disabled={busy}
            onChange={(e) => void setFormat({ header: e.currentTarget.checked })}
          />{' '}
          first line is a header
        </label>
        <span>
          {p.sniff.encoding === 'latin1' ? 'Latin-1' : 'UTF-8'}
          {p.sniff.bom ? ' (BOM)' : ''}
        </span>
      </div>
      <div className="preview-scroll">
        <table>
          <thead>
            <tr>
              {Array.from({ length: nCols }, (_, j) => (
                <th key={j}>
                  <select
                    aria-label={`role of column ${j + 1}`}
                    data-testid={`data.role.${j}`}
                    value={roleOf(j)}
                    onChange={(e) => {
                      const r = e.currentTarget.value as keyof Columns | 'none';
                      if (r === 'none') {
                        const cur = roleOf(j);
                        if (cur !== 'none') setRole(cur, -1);
                      } else setRole(r, j);
                    }}
                  >
                    {ROLES.map((r) => (
                      <option key={r.role} value={r.role}>
                        {r.label}
                      </option>
                    ))}
                  </select>
                  {p.sniff.header && <div className="colname">{p.sniff.header[j]}</div>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {p.sniff.rows.map((r, i) => (
              <tr key={i}>
                {Array.from({ length: nCols }, (_, j) => (
                  <td key={j}>{r[j] ?? ''}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <button type="button" data-testid="data.preview.load" disabled={busy} onClick={() => void loadPreviewed()}>
        Load with these roles
      </button>
    </details>
  );
}
