/** The chosen file's first lines with a role select above each column; changing a role and pressing Load re-reads it. */
import type { Columns } from '../../bridge/data';
import { loadPreviewed, setRole } from '../../state/dataset';
import { useStore } from '../../state/store';

const ROLES: { role: keyof Columns | 'none'; label: string }[] = [
  { role: 'none', label: '(ignore)' },
  { role: 'user', label: 'user' },
  { role: 'item', label: 'item' },
  { role: 'value', label: 'rating / value' },
  { role: 'time', label: 'time (unix s)' },
];

export function Preview() {
  const p = useStore((s) => s.dataset.preview);
  const busy = useStore((s) => s.dataset.status === 'busy');
  if (!p) return null;
  const nCols = Math.max(p.sniff.header?.length ?? 0, ...p.sniff.rows.map((r) => r.length));
  const roleOf = (j: number) => (Object.keys(p.readAs.columns) as (keyof Columns)[]).find((k) => p.readAs.columns[k] === j) ?? 'none';
  const delim = p.sniff.delimiter === '\t' ? 'tab' : `"${p.sniff.delimiter}"`;
  return (
    <details className="preview" data-testid="data.preview" key={p.fileName} open={p.sniff.confident ? undefined : true}>
      <summary>
        {p.fileName}: first lines, separated by {delim}
        {p.sniff.header ? ', with a header' : ', no header'}
      </summary>
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
