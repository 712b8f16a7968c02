/**
 * Section 4: the matching planner, live. Sliders set item minimal exposure β and user capacity α;
 * the planner worker re-solves from cached scores (never retraining) and the plots redraw from store subscriptions,
 * outside React renders. React here renders only the controls, the small tables and the status line.
 */
import { useEffect, useState, type ChangeEvent } from 'react';
import type { PlannerMode } from '../../core/planner/types';
import {
  ALPHA_MAX,
  ALPHA_MIN,
  ALPHA_STEP,
  BETA_STEPS,
  clearOverlay,
  importRimeResults,
  plannerVCsv,
  setPlannerAlpha,
  setPlannerAxes,
  setPlannerBeta,
  setPlannerDetail,
  setPlannerMode,
  startPlanner,
  usePlanner,
  type Diversity,
  type PlannerState,
  type Relevance,
} from '../../state/planner';
import { LivePlot, type LiveFrame } from '../charts/LivePlot';
import { downloadText } from '../download';
import { curvesFrame, exposureFrame } from './frames';
import { BoostedTable, PointTable } from './tables';
import './planner.css';

const MODES: [PlannerMode, string][] = [
  ['greedy', 'Greedy (offline)'],
  ['offline', 'Dual (offline)'],
  ['online', 'Dual (online: v from validation users)'],
];

const pct = (x: number, digits = 2) => `${(100 * x).toFixed(digits)}%`;

/** A subscription that draws `frame(state)` now and whenever one of `keys` changes. */
function subscriber(frame: (s: PlannerState) => LiveFrame | null, keys: (keyof PlannerState)[]) {
  return (draw: (f: LiveFrame) => void) => {
    const push = (s: PlannerState) => {
      const f = frame(s);
      if (f) draw(f);
    };
    push(usePlanner.getState());
    return usePlanner.subscribe((s, prev) => {
      if (keys.some((k) => s[k] !== prev[k])) push(s);
    });
  };
}
const subscribeCurves = subscriber(curvesFrame, ['curves', 'shown', 'relevance', 'diversity', 'overlay', 'input']);
const subscribeExposure = subscriber(exposureFrame, ['shown', 'detail']);

function Controls() {
  const asked = usePlanner((s) => s.asked);
  const nItems = usePlanner((s) => s.input?.nItems ?? 0);
  const nRows = usePlanner((s) => s.input?.testRows ?? 0);
  const ready = usePlanner((s) => s.status === 'ready');
  const step = asked.alpha / BETA_STEPS;
  return (
    <div className="planner-controls">
      <label className="planner-field">
        <span>Matching</span>
        <select
          data-testid="planner.mode"
          value={asked.mode}
          disabled={!ready}
          onChange={(e) => setPlannerMode(e.currentTarget.value as PlannerMode)}
        >
          {MODES.map(([m, label]) => (
            <option key={m} value={m}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="planner-field slider">
        <span>
          user capacity α = <output data-testid="planner.alpha.value">{pct(asked.alpha, 1)}</output> of items
          <small> ({Math.round(asked.alpha * nItems)} per user)</small>
        </span>
        <input
          type="range"
          data-testid="planner.slider.alpha"
          aria-label="user capacity α, fraction of items"
          aria-valuetext={`${pct(asked.alpha, 1)} of items`}
          min={ALPHA_MIN}
          max={ALPHA_MAX}
          step={ALPHA_STEP}
          value={asked.alpha}
          disabled={!ready}
          onChange={(e) => setPlannerAlpha(Number(e.currentTarget.value))}
        />
      </label>
      <label className="planner-field slider">
        <span>
          item minimal exposure β = <output data-testid="planner.beta.value">{pct(asked.beta)}</output> of users
          <small> ({Math.round(asked.beta * nRows)} per item; 0 to α)</small>
        </span>
        <input
          type="range"
          data-testid="planner.slider.beta"
          aria-label="item minimal exposure β, fraction of users"
          aria-valuetext={`${pct(asked.beta)} of users`}
          min={0}
          max={asked.alpha}
          step={step}
          value={asked.beta}
          disabled={!ready}
          onChange={(e) => setPlannerBeta(Number(e.currentTarget.value))}
        />
      </label>
    </div>
  );
}

function Axes() {
  const relevance = usePlanner((s) => s.relevance);
  const diversity = usePlanner((s) => s.diversity);
  return (
    <div className="row planner-axes">
      <label>
        relevance{' '}
        <select
          data-testid="planner.axis.relevance"
          value={relevance}
          onChange={(e) => setPlannerAxes({ relevance: e.currentTarget.value as Relevance })}
        >
          <option value="recall">recall</option>
          <option value="prec">precision</option>
        </select>
      </label>
      <label>
        diversity{' '}
        <select
          data-testid="planner.axis.diversity"
          value={diversity}
          onChange={(e) => setPlannerAxes({ diversity: e.currentTarget.value as Diversity })}
        >
          <option value="item_ppl">item perplexity</option>
          <option value="item_cov">item coverage</option>
        </select>
      </label>
    </div>
  );
}

/** "updating…" while the shown point lags the asked one; always laid out (visibility only) so nothing jumps. */
function Status() {
  const busy = usePlanner((s) => s.solving || s.sweeping || s.status === 'loading');
  const status = usePlanner((s) => s.status);
  const source = usePlanner((s) => s.input?.source ?? '');
  const rows = usePlanner((s) => s.input?.testRows ?? 0);
  const items = usePlanner((s) => s.input?.nItems ?? 0);
  const error = usePlanner((s) => s.error);
  const restarted = usePlanner((s) => s.restarted);
  return (
    <div className="status-line planner-status">
      <span>
        {status === 'ready'
          ? `Scores: ${source}, ${rows.toLocaleString()} test users × ${items.toLocaleString()} items.`
          : status === 'loading'
            ? 'Preparing scores…'
            : status === 'idle'
              ? 'Train models (section 2) to plan with their scores.'
              : ''}
      </span>
      <span
        className="updating"
        data-testid="planner.updating"
        aria-live="polite"
        style={{ visibility: busy ? 'visible' : 'hidden' }}
      >
        updating…
      </span>
      <Prefetching />
      {error && (
        <span className="error" data-testid="planner.error">
          {error}
        </span>
      )}
      {restarted && !error && (
        <span className="warning" role="status" data-testid="planner.restarted">
          {restarted}
        </span>
      )}
    </div>
  );
}

/** A quiet note while the other slider positions are solved in the background (laid out always: no jumps). */
function Prefetching() {
  const on = usePlanner((s) => s.prefetching && !s.sweeping);
  return (
    <span className="muted" data-testid="planner.prefetch" style={{ visibility: on ? 'visible' : 'hidden' }}>
      preparing the other β positions…
    </span>
  );
}

function Exports() {
  const models = usePlanner((s) => s.input?.models ?? null);
  const overlay = usePlanner((s) => s.overlay.length);
  const [problem, setProblem] = useState<string | null>(null);
  const exportV = async (model: string) => {
    const r = await plannerVCsv(model);
    if (r.ok) downloadText(`v_${model.replace(/[^\w-]+/g, '_')}.csv`, r.csv, 'text/csv');
    setProblem(r.ok ? null : r.reason);
  };
  const onImport = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.currentTarget.files?.[0];
    e.currentTarget.value = '';
    if (f) setProblem(importRimeResults(await f.text(), f.name));
  };
  return (
    <div className="row planner-exports">
      <span>v(y) as CSV:</span>
      {(models ?? []).map((m) => (
        <button key={m} type="button" data-testid={`planner.export.v.${m}`} onClick={() => void exportV(m)}>
          {m}
        </button>
      ))}
      <label className="button">
        Overlay rime results…
        <input
          type="file"
          accept=".json,application/json"
          data-testid="planner.import"
          onChange={(e) => void onImport(e)}
        />
      </label>
      {overlay > 0 && (
        <button type="button" onClick={clearOverlay}>
          Remove overlay
        </button>
      )}
      {problem && <span className="error">{problem}</span>}
    </div>
  );
}

function DetailPicker() {
  const models = usePlanner((s) => s.input?.models ?? null);
  const detail = usePlanner((s) => s.detail);
  return (
    <label>
      details of{' '}
      <select
        data-testid="planner.detail"
        value={detail ?? ''}
        onChange={(e) => setPlannerDetail(e.currentTarget.value)}
      >
        {(models ?? []).map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
    </label>
  );
}

export function PlannerSection() {
  useEffect(startPlanner, []);
  return (
    <div className="planner" data-testid="planner.view">
      <p className="teach">
        Who sees what: each user gets at most α of the items (user capacity), and each item must reach at least β of the
        users (item minimal exposure, paper eq. 9). Raising β spreads recommendations over more items (diversity) at
        some cost in relevance. Drag the sliders: the planner re-solves from the models' cached scores and moves the
        operating point (◆) along each model's curve.
      </p>
      <Controls />
      <Status />
      <Axes />
      <LivePlot
        subscribe={subscribeCurves}
        name="planner relevance vs diversity"
        testId="planner.plot.curves"
        height={380}
      />
      <PointTable />
      <div className="planner-detail">
        <div>
          <div className="row">
            <DetailPicker />
          </div>
          <LivePlot
            subscribe={subscribeExposure}
            name="planner delivered exposure"
            testId="planner.plot.exposure"
            height={240}
          />
        </div>
        <BoostedTable />
      </div>
      <Exports />
    </div>
  );
}
