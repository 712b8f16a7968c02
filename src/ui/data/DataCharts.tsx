/**
 * Events per user and item popularity, both on log scales: the power laws behind the paradox of section 5. The charts
 * follow the summary one render later (useDeferredValue): the numbers of a freshly loaded file appear at once and
 * the Plotly redraw runs in its own task, not in the one that handles the data worker's reply.
 */
import { useDeferredValue, useMemo } from 'react';
import type { DataSummary } from '../../bridge/data';
import { Plot } from '../charts/Plot';

export function DataCharts({ summary }: { summary: DataSummary }) {
  const c = useDeferredValue(summary.charts);
  const perUser = useMemo(
    () => [{ type: 'bar', x: c.perUserBinLo.map(String), y: c.perUserCount, marker: { color: '#3b6ea8' } }],
    [c],
  );
  const pop = useMemo(
    () => [{ type: 'scatter', mode: 'lines', x: c.popRank, y: c.popCount, line: { color: '#b5562b' } }],
    [c],
  );
  const perUserLayout = useMemo(
    () => ({
      title: { text: 'Users by events per user' },
      xaxis: { title: { text: 'events per user (bins 1, 2–3, 4–7, …)' }, type: 'category', tickangle: 0 },
      yaxis: { title: { text: 'users' }, type: 'log', dtick: 1 },
    }),
    [],
  );
  const popLayout = useMemo(
    () => ({
      title: { text: 'Item popularity' },
      xaxis: { title: { text: 'item rank' }, type: 'log', dtick: 1 },
      yaxis: { title: { text: 'events' }, type: 'log', dtick: 1 },
    }),
    [],
  );
  return (
    <div className="charts">
      <Plot name="events-per-user" testId="data.chart.peruser" data={perUser} layout={perUserLayout} />
      <Plot name="item-popularity" testId="data.chart.popularity" data={pop} layout={popLayout} />
    </div>
  );
}
