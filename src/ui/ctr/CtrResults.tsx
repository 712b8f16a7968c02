/**
 * Results of the click-and-conversion track: the "Click and conversion" table (AUC, GAUC, Logloss and RelaImpr per
 * task, sortable), ROC curves and a calibration plot per task, and MuseNet's learned scenarios with the adjusted Rand
 * index against a synthetic world's true ones.
 */
import { useMemo, useState } from 'react';
import type { CtrModelResult, CtrResult, CtrResultTask, CtrTaskMetrics } from '../../core/ctr/run';
import { useCtr } from '../../state/ctr';
import { Plot, type Trace } from '../charts/Plot';
import { downloadText } from '../download';

const TASK_TITLES: Record<CtrResultTask, string> = {
  click: 'Click (all impressions)',
  conversion: 'Conversion given click',
  clickConversion: 'Click and conversion (pCTR·pCVR)',
};
const METRICS = [
  ['auc', 'AUC'],
  ['gauc', 'GAUC'],
  ['logloss', 'Logloss'],
  ['relaImpr', 'RelaImpr'],
] as const;
type MetricKey = (typeof METRICS)[number][0];
const COLORS = ['#3b6ea8', '#c2571a', '#2f8a4a', '#8a3ba8', '#a83b5b', '#3ba8a0', '#7a6a1a', '#555', '#1a4a7a'];

const show = (k: MetricKey, v: number | null) =>
  v === null ? '–' : k === 'relaImpr' ? `${v >= 0 ? '+' : ''}${v.toFixed(2)}%` : v.toFixed(4);

/** The rows of the table: every model, then the oracle of a synthetic world. */
const rowsOf = (r: CtrResult): CtrModelResult[] => [...Object.values(r.models), ...(r.oracle ? [r.oracle] : [])];

function CtrTable({ result }: { result: CtrResult }) {
  const [sort, setSort] = useState<{ key: string; desc: boolean }>({ key: 'click.auc', desc: true });
  const rows = rowsOf(result);
  const tasks = (['click', 'conversion', 'clickConversion'] as const).filter((t) => rows.some((r) => r.tasks[t]));
  const valueOf = (r: CtrModelResult, key: string) => {
    const [t, m] = key.split('.') as [CtrResultTask, MetricKey];
    return r.tasks[t]?.[m] ?? null;
  };
  const sorted = [...rows].sort((a, b) => {
    if (sort.key === 'model') return sort.desc ? b.name.localeCompare(a.name) : a.name.localeCompare(b.name);
    const x = valueOf(a, sort.key);
    const y = valueOf(b, sort.key);
    if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1;
    return sort.desc ? y - x : x - y;
  });
  const header = (key: string, label: string) => (
    <th key={key} scope="col" aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button
        type="button"
        className="sort"
        data-testid={`ctr.sort.${key}`}
        onClick={() =>
          setSort({ key, desc: sort.key === key ? !sort.desc : !key.endsWith('logloss') && key !== 'model' })
        }
      >
        {label}
        {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
  const why = (m: CtrTaskMetrics | undefined, k: MetricKey) =>
    m
      ? (m.undefined[k] ??
        (k === 'gauc' ? `${m.gaucUsers} users; ${m.gaucUsersLeftOut} with one class left out` : undefined))
      : 'no such head';
  return (
    <table className="results ctr-table" data-testid="ctr.table" data-models={sorted.map((r) => r.name).join('|')}>
      <caption>
        Click and conversion: test impressions after{' '}
        {new Date(result.split.testStart * 1000).toISOString().slice(0, 10)} (
        {result.split.test.toLocaleString('en-US')}, {result.split.testClicks.toLocaleString('en-US')} clicked,{' '}
        {result.split.testConversions.toLocaleString('en-US')} converted); RelaImpr against {result.base}
      </caption>
      <thead>
        <tr>
          <th />
          <th />
          {tasks.map((t) => (
            <th key={t} colSpan={METRICS.length} scope="colgroup">
              {TASK_TITLES[t]}
            </th>
          ))}
        </tr>
        <tr>
          {header('model', 'model')}
          <th scope="col">conversion trained on</th>
          {tasks.map((t) => METRICS.map(([k, label]) => header(`${t}.${k}`, label)))}
        </tr>
      </thead>
      <tbody>
        {sorted.map((r) => (
          <tr key={r.name} data-model={r.name}>
            <th scope="row">{r.name === 'Oracle' ? 'Oracle (true p)' : r.name}</th>
            <td>
              {r.conversionSamples === 'clicked-only'
                ? 'clicked impressions only'
                : r.conversionSamples === 'all-impressions'
                  ? 'all impressions (002)'
                  : r.kind === 'oracle'
                    ? 'the world’s truth'
                    : 'no conversion head'}
            </td>
            {tasks.map((t) =>
              METRICS.map(([k]) => (
                <td key={`${t}.${k}`} data-key={`${t}.${k}`} title={why(r.tasks[t], k)}>
                  {show(k, r.tasks[t]?.[k] ?? null)}
                </td>
              )),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Curves({ result }: { result: CtrResult }) {
  const rows = rowsOf(result);
  const tasks = (['click', 'conversion', 'clickConversion'] as const).filter((t) => rows.some((r) => r.tasks[t]));
  const [task, setTask] = useState<CtrResultTask>('click');
  const t = tasks.includes(task) ? task : 'click';
  const { roc, cal } = useMemo(() => {
    const roc: Trace[] = [
      { type: 'scatter', mode: 'lines', x: [0, 1], y: [0, 1], name: 'chance', line: { color: '#bbb', dash: 'dot' } },
    ];
    const cal: Trace[] = [
      {
        type: 'scatter',
        mode: 'lines',
        x: [0, 1],
        y: [0, 1],
        name: 'calibrated',
        line: { color: '#bbb', dash: 'dot' },
      },
    ];
    rows.forEach((r, i) => {
      const m = r.tasks[t];
      const color = COLORS[i % COLORS.length];
      if (m?.roc)
        roc.push({ type: 'scatter', mode: 'lines', name: r.name, x: m.roc.fpr, y: m.roc.tpr, line: { color } });
      if (m?.calibration)
        cal.push({
          type: 'scatter',
          mode: 'lines+markers',
          name: r.name,
          x: m.calibration.map((b) => b.predicted),
          y: m.calibration.map((b) => b.observed),
          line: { color },
        });
    });
    return { roc, cal };
  }, [rows, t]);
  const legend = { showlegend: true, legend: { orientation: 'h', y: -0.25 } };
  return (
    <div className="ctr-curves">
      <label>
        task{' '}
        <select
          data-testid="ctr.curves.task"
          value={t}
          onChange={(e) => setTask(e.currentTarget.value as CtrResultTask)}
        >
          {tasks.map((k) => (
            <option key={k} value={k}>
              {TASK_TITLES[k]}
            </option>
          ))}
        </select>
      </label>
      <div className="charts">
        <Plot
          name={`roc-${t}`}
          testId="ctr.roc"
          height={320}
          data={roc}
          layout={{
            ...legend,
            title: { text: `ROC: ${TASK_TITLES[t]}` },
            xaxis: { title: { text: 'false positive rate' }, range: [0, 1] },
            yaxis: { title: { text: 'true positive rate' }, range: [0, 1] },
          }}
        />
        <Plot
          name={`calibration-${t}`}
          testId="ctr.calibration"
          height={320}
          data={cal}
          layout={{
            ...legend,
            title: { text: 'Calibration (deciles of the prediction)' },
            xaxis: { title: { text: 'mean predicted probability' }, rangemode: 'tozero' },
            yaxis: { title: { text: 'observed rate' }, rangemode: 'tozero' },
          }}
        />
      </div>
    </div>
  );
}

function Scenarios({ result }: { result: CtrResult }) {
  const withScenarios = Object.values(result.models).filter((r) => r.scenarios);
  if (withScenarios.length === 0) return null;
  const num = (x: number | null, f: (v: number) => string) => (x === null ? '–' : f(x));
  return (
    <div className="ctr-scenarios">
      <h3>MuseNet's learned scenarios (test impressions)</h3>
      {withScenarios.map((r) => {
        const s = r.scenarios!;
        return (
          <table key={r.name} className="results" data-testid={`ctr.scenarios.${r.name}`} data-ari={s.ari ?? ''}>
            <caption>
              {r.name}: {s.k} scenario{s.k === 1 ? '' : 's'}; adjusted Rand index against the true scenarios:{' '}
              {s.ari === null ? `undefined (${s.ariUndefined})` : s.ari.toFixed(3)}
            </caption>
            <thead>
              <tr>
                <th scope="col">scenario</th>
                <th scope="col">impressions</th>
                <th scope="col">repeat rate</th>
                <th scope="col">repeat intention p_r</th>
                <th scope="col">top items</th>
              </tr>
            </thead>
            <tbody>
              {s.size.map((n, k) => (
                <tr key={k}>
                  <th scope="row">{k + 1}</th>
                  <td>{n.toLocaleString('en-US')}</td>
                  <td>{num(s.repeatRate[k], (v) => `${(100 * v).toFixed(1)}%`)}</td>
                  <td>{num(s.repeatIntention[k], (v) => v.toFixed(3))}</td>
                  <td>{s.topItems[k].join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        );
      })}
    </div>
  );
}

export function CtrResults() {
  const run = useCtr((s) => s.run);
  const r = run.result;
  if (!r)
    return (
      <p className="pending" data-testid="ctr.results.empty">
        {run.status === 'running'
          ? `Training… the table appears when the run completes${run.live.length > 0 ? ` (evaluated so far: ${run.live.join(', ')})` : ''}.`
          : 'No click-and-conversion results yet: pick models in Train and press “Train and evaluate”.'}
      </p>
    );
  const failed = Object.entries(r.failed);
  return (
    <div className="results-section ctr-results">
      <p className="note">
        On {run.resultSource ?? 'the impressions'}: {r.split.protocol.toUpperCase()} split,{' '}
        {r.split.train.toLocaleString('en-US')} impressions to train, {r.split.valid.toLocaleString('en-US')} to
        validate (early stopping), {r.split.test.toLocaleString('en-US')} to test. Hover a “–” for why a metric has no
        value.
      </p>
      {r.warnings.map((w) => (
        <p key={w} className="warning">
          {w}
        </p>
      ))}
      {failed.length > 0 && (
        <p className="error" data-testid="ctr.failed">
          {failed.map(([n, f]) => `${n}: ${f.reason}`).join('; ')}
        </p>
      )}
      <CtrTable result={r} />
      <Curves result={r} />
      <Scenarios result={r} />
      <div className="row">
        <button
          type="button"
          data-testid="ctr.export.json"
          onClick={() => downloadText('ctr-results.json', JSON.stringify({ ctr: r }, null, 2), 'application/json')}
        >
          Results JSON
        </button>
      </div>
    </div>
  );
}
