/**
 * UserRec explorer: pick a model and an item; see the item's top users with λ(x), p(y|x), their last items and
 * whether they really came in the test window. Computed in the run worker from the kept scores (no retraining).
 */
import { useEffect, useState } from 'react';
import type { ExploreResult } from '../../bridge/run';
import { explore, exploreItems, itemTitles } from '../../state/explorer';
import { useStore } from '../../state/store';
import { parseModelName } from '../../core/models/names';

const num = (v: number | null) =>
  v === null ? '–' : v >= 100 ? v.toFixed(0) : v >= 0.01 ? v.toPrecision(3) : v.toExponential(2);

export function Explorer() {
  const result = useStore((s) => s.training.result);
  const revision = useStore((s) => s.training.resultRevision);
  const models = result ? Object.keys(result.user_rec) : [];
  const [model, setModel] = useState('');
  const [items, setItems] = useState<{ id: string; events: number }[]>([]);
  const [item, setItem] = useState('');
  const [answer, setAnswer] = useState<ExploreResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Item titles by id when an item metadata file was loaded (empty map otherwise). */
  const [titles, setTitles] = useState<Map<string, string>>(new Map());
  const onHawkes = models.find((m) => parseModelName(m)?.intensity === 'Hawkes');
  const shownModel = models.includes(model) ? model : (onHawkes ?? models[0] ?? '');
  const shownItem = items.some((i) => i.id === item) ? item : (items[0]?.id ?? '');

  useEffect(() => {
    let live = true;
    if (revision > 0) {
      exploreItems().then(
        async (r) => {
          const t = await itemTitles(r.map((i) => i.id));
          if (!live) return;
          setItems(r);
          setTitles((old) => new Map([...old, ...t]));
        },
        () => live && setItems([]),
      );
    }
    return () => {
      live = false;
    };
  }, [revision]);

  useEffect(() => {
    let live = true;
    if (!shownModel || !shownItem) return;
    explore(shownModel, shownItem).then(
      async (r) => {
        const t = r.ok
          ? await itemTitles([...new Set(r.data.rows.flatMap((row) => row.history))])
          : new Map<string, string>();
        if (!live) return;
        setAnswer(r.ok ? r.data : null);
        setError(r.ok ? null : r.reason);
        setTitles((old) => new Map([...old, ...t]));
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [shownModel, shownItem, revision]);

  const named = (id: string) => (titles.get(id) ? `${id} ${titles.get(id)}` : id);
  if (!result) return null;
  return (
    <div className="explorer" data-testid="results.explorer">
      <h3>UserRec explorer: who will come for this item?</h3>
      <div className="row">
        <label>
          model{' '}
          <select
            value={shownModel}
            onChange={(e) => setModel(e.currentTarget.value)}
            data-testid="results.explorer.model"
          >
            {models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label>
          item{' '}
          <select
            value={shownItem}
            onChange={(e) => setItem(e.currentTarget.value)}
            data-testid="results.explorer.item"
          >
            {items.map((i) => (
              <option key={i.id} value={i.id}>
                {named(i.id)} ({i.events} test events)
              </option>
            ))}
          </select>
        </label>
        {answer && <span className="note">{answer.positives} test users really came for this item</span>}
      </div>
      {error && <p className="error">{error}</p>}
      {answer && (
        <table
          className="results explore"
          data-testid="results.explorer.table"
          data-model={answer.model}
          data-item={answer.item}
        >
          <thead>
            <tr>
              <th scope="col">user</th>
              <th scope="col" title="expected events of this user on this item in the window">
                λ(x, y)
              </th>
              <th scope="col" title="the user's intensity: expected events of any item">
                λ(x)
              </th>
              <th scope="col" title="next-item probability">
                p(y|x)
              </th>
              <th scope="col" className="history">
                recent history (last 5, newest last)
              </th>
              <th scope="col">came?</th>
            </tr>
          </thead>
          <tbody>
            {answer.rows.map((r) => (
              <tr key={r.user} className={r.came > 0 ? 'hit' : ''}>
                <th scope="row">{r.user}</th>
                <td>{num(r.score)}</td>
                <td>{num(r.lambda)}</td>
                <td>{num(r.p)}</td>
                <td className="history" title={r.history.map(named).join('\n')}>
                  {r.history.map(named).join(' · ')}
                </td>
                <td>{r.came > 0 ? `yes (${r.came})` : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
