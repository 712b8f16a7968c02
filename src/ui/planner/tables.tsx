/** The small tables of the Planner section: metrics at the shown point per model, and the most boosted items. */
import type { MatchMetrics } from '../../core/planner/types';
import { usePlanner } from '../../state/planner';

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');

/** Metrics of every model at the shown setting (user-side ones for an α-view point); unavailable modes say why. */
export function PointTable() {
  const shown = usePlanner((s) => s.shown);
  const rows = usePlanner((s) => s.input?.testRows ?? 0);
  const stale = usePlanner((s) => s.solving);
  const user = shown?.betaMax !== undefined;
  const cols: [string, (m: MatchMetrics) => string][] = user
    ? [
        ['UserRec precision', (m) => f3(m.prec)],
        ['UserRec recall', (m) => f3(m.user_recall)],
        ['user ppl', (m) => f1(m.user_ppl)],
        ['user cov', (m) => f3(m.user_cov)],
        ['users reached per item', (m) => (rows > 0 ? `${((100 * m.c) / rows).toFixed(2)}%` : '–')],
      ]
    : [
        ['recall', (m) => f3(m.recall)],
        ['precision', (m) => f3(m.prec)],
        ['item ppl', (m) => f1(m.item_ppl)],
        ['item cov', (m) => f3(m.item_cov)],
        ['β delivered', (m) => `${(100 * m.delivered).toFixed(1)}%`],
      ];
  const setting = !shown
    ? ''
    : user
      ? `(${shown.mode}, α = ${(100 * shown.alpha).toFixed(0)}%, β′ = ${(100 * shown.betaMax!).toFixed(2)}%)`
      : `(${shown.mode}, α = ${(100 * shown.alpha).toFixed(1)}%, β = ${(100 * shown.beta).toFixed(2)}%)`;
  return (
    <table className={`planner-points${stale ? ' updating' : ''}`} data-testid="planner.points">
      <caption>At the operating point {setting}</caption>
      <thead>
        <tr>
          <th>model</th>
          {cols.map(([name]) => (
            <th key={name}>{name}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {(shown?.models ?? []).map((m) => (
          <tr key={m.model}>
            <th scope="row">{m.model}</th>
            {m.metrics ? (
              cols.map(([name, cell]) => <td key={name}>{cell(m.metrics!)}</td>)
            ) : (
              <td colSpan={cols.length} className="pending">
                {m.reason}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Items the dual pushes up most (largest −v): cold-start items the exposure constraint rescues. Ids render as text. */
export function BoostedTable() {
  const detail = usePlanner((s) => s.detail);
  const m = usePlanner((s) => s.shown?.models.find((q) => q.model === s.detail) ?? null);
  return (
    <div className="planner-boosted" data-testid="planner.boosted">
      <h3>Most boosted items{detail ? ` (${detail})` : ''}</h3>
      {m && m.boosted.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th>item</th>
              <th>−v(y)</th>
              <th>exposure</th>
            </tr>
          </thead>
          <tbody>
            {m.boosted.map((b) => (
              <tr key={b.id}>
                <td>{b.id}</td>
                <td>{(-b.v).toPrecision(3)}</td>
                <td>{b.exposure}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="pending">
          {m?.metrics
            ? 'No item needs a boost here (greedy has no dual variables; with β = 0 no constraint binds).'
            : '—'}
        </p>
      )}
    </div>
  );
}
