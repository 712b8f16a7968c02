/** The small tables of the Planner section: metrics at the shown point per model, and the most boosted items. */
import { usePlanner } from '../../state/planner';

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '–');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');

/** Metrics of every model at the shown (mode, α, β); a model whose mode is unavailable says why. */
export function PointTable() {
  const shown = usePlanner((s) => s.shown);
  const stale = usePlanner((s) => s.solving);
  return (
    <table className={`planner-points${stale ? ' updating' : ''}`} data-testid="planner.points">
      <caption>
        At the operating point{' '}
        {shown ? `(${shown.mode}, α = ${(100 * shown.alpha).toFixed(1)}%, β = ${(100 * shown.beta).toFixed(2)}%)` : ''}
      </caption>
      <thead>
        <tr>
          <th>model</th>
          <th>recall</th>
          <th>precision</th>
          <th>item ppl</th>
          <th>item cov</th>
          <th>β delivered</th>
        </tr>
      </thead>
      <tbody>
        {(shown?.models ?? []).map((m) =>
          m.metrics ? (
            <tr key={m.model}>
              <th scope="row">{m.model}</th>
              <td>{f3(m.metrics.recall)}</td>
              <td>{f3(m.metrics.prec)}</td>
              <td>{f1(m.metrics.item_ppl)}</td>
              <td>{f3(m.metrics.item_cov)}</td>
              <td>{(100 * m.metrics.delivered).toFixed(1)}%</td>
            </tr>
          ) : (
            <tr key={m.model}>
              <th scope="row">{m.model}</th>
              <td colSpan={5} className="pending">
                {m.reason}
              </td>
            </tr>
          ),
        )}
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
