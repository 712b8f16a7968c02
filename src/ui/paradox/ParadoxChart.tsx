/** Expected real buyers in each ranking's top C as μ varies (closed form), with the current μ marked. */
import { useMemo } from 'react';
import { expectedTopC, type ParadoxGroup } from '../../core/paradox';
import { Plot } from '../charts/Plot';

interface Props {
  groups: ParadoxGroup[];
  mu: number;
  muMax: number;
  nUsers: number;
  topC: number;
}

export function ParadoxChart({ groups, mu, muMax, nUsers, topC }: Props) {
  const data = useMemo(() => {
    const sizes = groups.map((g) => Math.round(g.share * nUsers));
    const mus = Array.from({ length: 80 }, (_, i) => (muMax * (i + 1)) / 80);
    const curves = mus.map((m) => expectedTopC(groups, m, sizes, topC));
    return [
      {
        type: 'scatter',
        mode: 'lines',
        name: 'Bayes rule',
        x: mus,
        y: curves.map((c) => c.bayes),
        line: { color: '#a12622' },
      },
      {
        type: 'scatter',
        mode: 'lines',
        name: 'RIM (MTPP)',
        x: mus,
        y: curves.map((c) => c.mtpp),
        line: { color: '#2f6b3a', dash: 'dash' },
      },
    ];
  }, [groups, muMax, nUsers, topC]);
  const layout = useMemo(
    () => ({
      title: { text: `Expected buyers of D in the top ${topC.toLocaleString('en-US')}` },
      showlegend: true,
      legend: { x: 0.02, y: 0.98 },
      xaxis: { title: { text: 'μ (events per week of an inactive user)' }, range: [0, muMax] },
      yaxis: { title: { text: 'expected buyers' }, rangemode: 'tozero' },
      shapes: [{ type: 'line', x0: mu, x1: mu, yref: 'paper', y0: 0, y1: 1, line: { color: '#3b6ea8', width: 1 } }],
    }),
    [mu, muMax, topC],
  );
  return <Plot name="paradox-expected-buyers" testId="paradox.chart" data={data} layout={layout} height={260} />;
}
