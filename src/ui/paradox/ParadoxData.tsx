/**
 * The paradox on data: a trained RIM composition's λ(x) and p(y|x) rank the test users for an item (or a group of
 * items) by λ(x)^γ · p(y|x); the γ slider moves from Bayes rule (0) to RIM (1) over a sweep the run worker computed
 * once, so each step is a lookup and the plot redraws from a subscription.
 */
import { useEffect } from 'react';
import {
  PARADOX_MODEL,
  setParadoxGamma,
  setParadoxItems,
  setParadoxModel,
  setParadoxTopC,
  shownPoint,
  trainParadoxModel,
  useParadoxData,
  watchParadoxData,
  type ParadoxDataState,
} from '../../state/paradox';
import { PARADOX_GAMMA_STEPS } from '../../core/paradox';
import { useStore } from '../../state/store';
import { LivePlot, type LiveFrame } from '../charts/LivePlot';
import { gammaFrame } from './frames';

function subscribeGamma(draw: (f: LiveFrame) => void): () => void {
  const push = (s: ParadoxDataState) => {
    const f = gammaFrame(s);
    if (f) draw(f);
  };
  push(useParadoxData.getState());
  return useParadoxData.subscribe((s, prev) => {
    if (s.answer !== prev.answer || s.gamma !== prev.gamma) push(s);
  });
}

function Count() {
  const s = useParadoxData();
  const at = shownPoint(s);
  const a = s.answer;
  if (!a || !at) return null;
  const first = a.points[0];
  const last = a.points[a.points.length - 1];
  return (
    <p
      className="paradox-count"
      data-testid="paradox.data.count"
      data-gamma={at.gamma.toFixed(2)}
      data-hits={at.hits}
      aria-live="polite"
    >
      At γ = <b>{at.gamma.toFixed(2)}</b>, <b>{at.hits}</b> of the top {a.topC} users came (Bayes rule, γ = 0:{' '}
      {first.hits}; RIM, γ = 1: {last.hits}; at most {Math.min(a.topC, a.positives)}: {a.positives} of {a.nRows} test
      users came). Mean λ(x) of those picked: {at.meanLambda.toPrecision(3)} (all users: {a.meanLambda.toPrecision(3)}).
    </p>
  );
}

export function ParadoxData() {
  useEffect(watchParadoxData, []);
  const s = useParadoxData();
  const hasResult = useStore((st) => st.training.result !== null);
  const running = useStore((st) => st.training.status === 'running');
  if (!hasResult)
    return (
      <p className="pending" data-testid="paradox.data.empty">
        {running ? 'Training… the paradox on data appears when the run completes.' : 'No run on this data yet.'}
      </p>
    );
  if (s.models.length === 0)
    return (
      <div className="paradox-data" data-testid="paradox.data">
        <p className="note">
          The paradox on data needs a model with both parts, λ(x) and p(y | x): a RIM composition such as{' '}
          {PARADOX_MODEL}. This run has none.
        </p>
        <button
          type="button"
          data-testid="paradox.data.train"
          disabled={running}
          onClick={() => void trainParadoxModel()}
        >
          {running ? 'Training…' : `Train a small ${PARADOX_MODEL} with this run's models`}
        </button>
      </div>
    );
  return (
    <div className="paradox-data" data-testid="paradox.data">
      <div className="row">
        <label>
          model{' '}
          <select
            data-testid="paradox.data.model"
            value={s.model ?? ''}
            onChange={(e) => setParadoxModel(e.currentTarget.value)}
          >
            {s.models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label>
          items (one, or several with Ctrl / Shift){' '}
          <select
            multiple
            size={4}
            data-testid="paradox.data.items"
            value={s.chosen}
            onChange={(e) => setParadoxItems(Array.from(e.currentTarget.selectedOptions, (o) => o.value))}
          >
            {s.items.map((i) => (
              <option key={i.id} value={i.id}>
                item {i.id} ({i.events} test events)
              </option>
            ))}
          </select>
        </label>
        <label>
          top C{' '}
          <input
            type="number"
            min={1}
            step={1}
            data-testid="paradox.data.topc"
            placeholder="as many as came"
            value={s.topC ?? ''}
            onChange={(e) => {
              const v = e.currentTarget.value.trim();
              setParadoxTopC(v === '' ? null : Math.max(1, Math.round(Number(v))));
            }}
          />
        </label>
      </div>
      <label className="paradox-gamma slider">
        <span>
          γ = <output>{s.gamma.toFixed(2)}</output>: rank by λ(x)<sup>γ</sup> · p(y | x), from Bayes rule (0) to RIM (1)
        </span>
        <input
          type="range"
          min={0}
          max={1}
          step={1 / PARADOX_GAMMA_STEPS}
          value={s.gamma}
          data-testid="paradox.data.gamma"
          aria-label="γ, from Bayes rule (0) to RIM (1)"
          aria-valuetext={`γ = ${s.gamma.toFixed(2)}`}
          onChange={(e) => setParadoxGamma(Number(e.currentTarget.value))}
        />
      </label>
      <Count />
      {s.status === 'loading' && <span className="muted">ranking the test users…</span>}
      {s.error && (
        <p className="error" data-testid="paradox.data.error">
          {s.error}
        </p>
      )}
      <LivePlot
        subscribe={subscribeGamma}
        name="paradox on data: hits against gamma"
        testId="paradox.data.plot"
        height={280}
      />
    </div>
  );
}
