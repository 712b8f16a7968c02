/** One task's metrics per model (rime's names), sortable by any column; model names are rendered as text. */
import { useState } from 'react';
import type { RecMetrics } from '../../core/metrics/evaluate';
import { METRIC_KEYS } from './export';

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(4));

export function ResultsTable({
  task,
  title,
  rows,
}: {
  task: 'item_rec' | 'user_rec';
  title: string;
  rows: Record<string, RecMetrics>;
}) {
  const [sort, setSort] = useState<{ key: keyof RecMetrics | 'model'; desc: boolean }>({ key: 'recall', desc: true });
  const names = Object.keys(rows).sort((a, b) => {
    const d = sort.key === 'model' ? a.localeCompare(b) : rows[a][sort.key] - rows[b][sort.key];
    return sort.desc ? -d : d;
  });
  const header = (key: keyof RecMetrics | 'model') => (
    <th key={key} scope="col" aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button
        type="button"
        className="sort"
        onClick={() => setSort({ key, desc: sort.key === key ? !sort.desc : key !== 'model' })}
      >
        {key}
        {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
  return (
    <table className="results" data-testid="results.table" data-task={task} data-models={names.join('|')}>
      <caption>{title}</caption>
      <thead>
        <tr>
          {header('model')}
          {METRIC_KEYS.map(header)}
        </tr>
      </thead>
      <tbody>
        {names.map((n) => (
          <tr key={n} data-model={n}>
            <th scope="row">{n}</th>
            {METRIC_KEYS.map((k) => (
              <td key={k}>{fmt(rows[n][k])}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
