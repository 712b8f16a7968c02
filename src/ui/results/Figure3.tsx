/**
 * Figure 3: ItemRec recall against UserRec recall, one point per model of the current run, popularity's point as
 * dashed reference lines (as the reference's plot_rec_results draws it).
 */
import { useMemo } from 'react';
import type { ExperimentResult } from '../../core/pipeline/run';
import { figure3Csv, figure3Points } from '../../core/report/figure3';
import { Plot } from '../charts/Plot';
import { downloadText } from '../download';

export function Figure3({ result }: { result: ExperimentResult }) {
  const points = useMemo(() => figure3Points(result), [result]);
  const { data, layout } = useMemo(() => {
    const pop = points.find((p) => p.model === 'Pop');
    const line = (axis: 'x' | 'y', v: number) => ({
      type: 'line',
      xref: axis === 'x' ? 'x' : 'paper',
      yref: axis === 'y' ? 'y' : 'paper',
      x0: axis === 'x' ? v : 0,
      x1: axis === 'x' ? v : 1,
      y0: axis === 'y' ? v : 0,
      y1: axis === 'y' ? v : 1,
      line: { color: '#999', dash: 'dash', width: 1 },
    });
    return {
      data: [
        {
          type: 'scatter',
          mode: 'markers+text',
          x: points.map((p) => 100 * p.itemRecall),
          y: points.map((p) => 100 * p.userRecall),
          text: points.map((p) => p.model),
          textposition: 'top center',
          marker: { size: 10, color: '#1f77b4' },
          hovertemplate: '%{text}: ItemRec %{x:.2f}, UserRec %{y:.2f}<extra></extra>',
        },
      ],
      layout: {
        margin: { l: 60, r: 16, t: 16, b: 50 },
        xaxis: { title: { text: `ItemRec recall@${result.itemRecTopK} (×100)` }, zeroline: false },
        yaxis: { title: { text: `UserRec recall@${result.userRecTopC} (×100)` }, zeroline: false },
        shapes: pop ? [line('x', 100 * pop.itemRecall), line('y', 100 * pop.userRecall)] : [],
      },
    };
  }, [points, result.itemRecTopK, result.userRecTopC]);
  return (
    <div className="figure3" data-testid="results.fig3" data-points={points.length}>
      <h3>Figure 3: each model on both tasks</h3>
      <p className="note">
        Right: better at recommending items to a user. Up: better at finding the users who will come for an item. The
        dashed lines are popularity's point; RIM compositions aim to be up and right at once.
      </p>
      <Plot
        data={data}
        layout={layout}
        name="figure 3 ItemRec vs UserRec recall"
        testId="results.plot.fig3"
        height={340}
      />
      <button
        type="button"
        data-testid="results.export.fig3"
        onClick={() => downloadText('rimw-figure3.csv', figure3Csv(points), 'text/csv')}
      >
        Figure 3 CSV
      </button>
    </div>
  );
}
