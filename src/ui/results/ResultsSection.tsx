/**
 * Results: ItemRec (top-K items per user) and UserRec (top-C users per item) per model with rime's metric names,
 * per-model run metadata, the UserRec explorer, and exports (rime ExperimentResult JSON, CSV tables).
 */
import type { RunConfig } from '../../core/pipeline/config';
import { useStore } from '../../state/store';
import { downloadText } from '../download';
import { Explorer } from './Explorer';
import { Figure3 } from './Figure3';
import { metricsCsv, resultsJson } from './export';
import { ResultsTable } from './ResultsTable';

const download = downloadText;

const secs = (v: unknown) => (typeof v === 'number' ? `${v.toFixed(v < 10 ? 2 : 0)} s` : '–');
const loss = (v: unknown) => (typeof v === 'number' ? v.toFixed(3) : '–');

/** The run-config fields that change results (the planner's settings do not). */
const RESULT_KEYS = [
  'split',
  'models',
  'seed',
  'epochs',
  'sequence',
  'itemRecTopK',
  'userRecTopC',
  'excludeTrain',
  'calibrate',
] as const;
const resultPart = (c: RunConfig | null) => JSON.stringify(RESULT_KEYS.map((k) => c?.[k] ?? null));

export function ResultsSection() {
  const t = useStore((s) => s.training);
  const config = useStore((s) => s.ui.config);
  const r = t.result;
  if (!r) {
    return (
      <p className="pending" data-testid="results.empty">
        {t.status === 'running'
          ? `Training… the tables appear when the run completes${t.liveModels.length > 0 ? ` (evaluated so far: ${t.liveModels.join(', ')})` : ''}.`
          : 'No results for this data yet: pick models in Train and press “Train and evaluate”.'}
      </p>
    );
  }
  const models = Object.keys(r.item_rec);
  return (
    <div className="results-section">
      <p className="note">
        On {t.resultSource ?? 'the data'}: {r.split.testUsers} test users, {r.split.testItems} items; ItemRec recommends
        K = {r.itemRecTopK} items per user, UserRec C = {r.userRecTopC} users per item.{' '}
        {t.status === 'running' && (
          <strong>
            Training a new run{t.liveModels.length > 0 ? ` (evaluated so far: ${t.liveModels.join(', ')})` : ''}…
          </strong>
        )}
      </p>
      {t.status !== 'running' && t.resultConfig && resultPart(t.resultConfig) !== resultPart(config) && (
        <p className="note" data-testid="results.stale">
          The settings in Train changed since these results were computed; press “Train and evaluate” to update them.
        </p>
      )}
      <div className="tables">
        <ResultsTable task="item_rec" title="ItemRec: top-K items for each user" rows={r.item_rec} />
        <ResultsTable task="user_rec" title="UserRec: top-C users for each item" rows={r.user_rec} />
      </div>
      <Figure3 result={r} />
      {Object.keys(r.failed).length > 0 && (
        <ul className="error">
          {Object.entries(r.failed).map(([m, f]) => (
            <li key={m}>
              {m}: {f.reason}
            </li>
          ))}
        </ul>
      )}
      <details className="meta">
        <summary>Run details per model (backend, seconds, epochs, losses, calibration)</summary>
        <table className="results" data-testid="results.meta">
          <thead>
            <tr>
              <th scope="col">model</th>
              <th scope="col">backend</th>
              <th scope="col">fit</th>
              <th scope="col">evaluation</th>
              <th scope="col">epochs</th>
              <th scope="col">final loss</th>
              <th scope="col">final validation loss</th>
              <th
                scope="col"
                title="temperature of p(y|x) in λ(x)·p(y|x)^τ/Σp^τ, chosen on the validation window's UserRec"
              >
                τ of p(y|x)
              </th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => {
              const meta = r.meta[m];
              return (
                <tr key={m}>
                  <th scope="row">{m}</th>
                  <td>{meta?.backend ?? '–'}</td>
                  <td>{secs(meta?.seconds)}</td>
                  <td>{secs(meta?.evalSeconds)}</td>
                  <td>{meta?.epochs ?? '–'}</td>
                  <td>{loss(meta?.finalLoss)}</td>
                  <td>{loss(meta?.finalValidLoss)}</td>
                  <td data-testid={`results.meta.tau.${m}`}>
                    {meta?.calibration ? String(meta.calibration.tau) : '–'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </details>
      <div className="row">
        <button
          type="button"
          data-testid="results.export.json"
          onClick={() => download('rimw-results.json', resultsJson(r), 'application/json')}
        >
          Export results JSON
        </button>
        <button
          type="button"
          data-testid="results.export.itemrec"
          onClick={() => download('rimw-item_rec.csv', metricsCsv(r, 'item_rec'), 'text/csv')}
        >
          ItemRec CSV
        </button>
        <button
          type="button"
          data-testid="results.export.userrec"
          onClick={() => download('rimw-user_rec.csv', metricsCsv(r, 'user_rec'), 'text/csv')}
        >
          UserRec CSV
        </button>
      </div>
      <Explorer />
    </div>
  );
}
