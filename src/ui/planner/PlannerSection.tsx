/**
 * Section 4: the matching planner, live. Sliders set item minimal exposure β and user capacity α;
 * the planner worker re-solves from cached scores (never retraining) and the plots redraw from store subscriptions,
 * outside React renders. React here renders only the controls, the small tables and the status line.
 */
import { useEffect, useState, type ChangeEvent } from 'react';
import { ALPHA_SWEEP_BETA_MAX } from '../../core/planner/experiment';
import type { PlannerMode } from '../../core/planner/types';
import {
  BETA_STEPS,
  PLANNER_VIEWS,
  alphaRange,
  clearOverlay,
  compareModelOf,
  importRimeResults,
  plannerCurvesCsv,
  plannerVCsv,
  setCompareModel,
  setPlannerAlpha,
  setPlannerAxes,
  setPlannerBeta,
  setPlannerDetail,
  setPlannerMode,
  setPlannerView,
  startPlanner,
  usePlanner,
  type Diversity,
  type PlannerState,
  type PlannerView,
  type Relevance,
  type UserDiversity,
  type UserRelevance,
} from '../../state/planner';
import { LivePlot, type LiveFrame } from '../charts/LivePlot';
import { downloadText } from '../download';
import { curvesFrame, deliveredFrame, exposureFrame } from './frames';
import { BoostedTable, PointTable } from './tables';
import './planner.css';

const MODES: [PlannerMode, string][] = [
  ['offline', 'Dual (offline)'],
  ['online', 'Dual (online: v from validation users)'],
  ['greedy', 'Greedy (offline)'],
];

const VIEWS: Record<PlannerView, { label: string; teach: string }> = {
  beta: {
    label: 'β sweep (Figure 4)',
    teach:
      'Every model in one mode: α fixed, item minimal exposure β from 0 to α. Each line is a model; the diamond is the operating point of the sliders.',
  },
  compare: {
    label: 'Compare modes (Figure 4, S7)',
    teach:
      'One model, three environments: greedy matching and the Dual solved on the test users (offline), and the Dual with v calibrated on validation users, each test user decided alone (online). Beside it, how much of the β target each delivers.',
  },
  alpha: {
    label: 'α sweep (appendix F)',
    teach:
      'UserRec with user capacity: each item may reach at most β′ = 1% of the users, and each user gets at most α of the items, from 1% to 100%. Smaller α spreads the load over more users (user perplexity) at some cost in UserRec relevance. Beside it, the share of users each item reached (ideal: β′, Figure S7).',
  },
};

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
const subscribeCurves = subscriber(curvesFrame, [
  'curves',
  'compare',
  'shown',
  'asked',
  'relevance',
  'diversity',
  'userRelevance',
  'userDiversity',
  'overlay',
  'input',
]);
const subscribeDelivered = subscriber(deliveredFrame, ['curves', 'compare', 'asked', 'input']);
const subscribeExposure = subscriber(exposureFrame, ['shown', 'detail']);

function ViewTabs() {
  const view = usePlanner((s) => s.asked.view);
  return (
    <div className="planner-views" role="radiogroup" aria-label="planner view">
      {PLANNER_VIEWS.map((v) => (
        <label key={v} className={v === view ? 'on' : ''}>
          <input
            type="radio"
            name="planner-view"
            value={v}
            data-testid={`planner.tab.${v}`}
            checked={v === view}
            onChange={() => setPlannerView(v)}
          />
          {VIEWS[v].label}
        </label>
      ))}
    </div>
  );
}

function CompareModel() {
  const models = usePlanner((s) => s.input?.models ?? null);
  const model = usePlanner((s) => compareModelOf(s));
  return (
    <label className="planner-field">
      <span>Model compared</span>
      <select
        data-testid="planner.compare.model"
        value={model ?? ''}
        onChange={(e) => setCompareModel(e.currentTarget.value)}
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

/** The matching mode picker (one control; the compare view shows it under another label). */
function ModeSelect({ label, mode, ready }: { label: string; mode: PlannerMode; ready: boolean }) {
  return (
    <label className="planner-field">
      <span>{label}</span>
      <select
        data-testid="planner.mode"
        value={mode}
        disabled={!ready}
        onChange={(e) => setPlannerMode(e.currentTarget.value as PlannerMode)}
      >
        {MODES.map(([m, text]) => (
          <option key={m} value={m}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

function Controls() {
  const asked = usePlanner((s) => s.asked);
  const nItems = usePlanner((s) => s.input?.nItems ?? 0);
  const nRows = usePlanner((s) => s.input?.testRows ?? 0);
  const ready = usePlanner((s) => s.status === 'ready');
  const step = asked.alpha / BETA_STEPS;
  const range = alphaRange(asked.view);
  return (
    <div className="planner-controls">
      {asked.view === 'compare' ? <CompareModel /> : <ModeSelect label="Matching" mode={asked.mode} ready={ready} />}
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
          min={range.min}
          max={range.max}
          step={range.step}
          value={asked.alpha}
          disabled={!ready}
          onChange={(e) => setPlannerAlpha(Number(e.currentTarget.value))}
        />
      </label>
      {asked.view === 'alpha' ? (
        <div className="planner-field">
          <span>
            item maximal exposure β′ = <output data-testid="planner.betamax.value">{pct(ALPHA_SWEEP_BETA_MAX)}</output>{' '}
            of users
            <small> (at most {Math.round(ALPHA_SWEEP_BETA_MAX * nRows)} per item; fixed, as in appendix F)</small>
          </span>
        </div>
      ) : (
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
      )}
      {asked.view === 'compare' && <ModeSelect label="Operating point in" mode={asked.mode} ready={ready} />}
    </div>
  );
}

function Axes() {
  const view = usePlanner((s) => s.asked.view);
  const relevance = usePlanner((s) => s.relevance);
  const diversity = usePlanner((s) => s.diversity);
  const userRelevance = usePlanner((s) => s.userRelevance);
  const userDiversity = usePlanner((s) => s.userDiversity);
  if (view === 'alpha')
    return (
      <div className="row planner-axes">
        <label>
          relevance{' '}
          <select
            data-testid="planner.axis.userRelevance"
            value={userRelevance}
            onChange={(e) => setPlannerAxes({ userRelevance: e.currentTarget.value as UserRelevance })}
          >
            <option value="prec">UserRec precision</option>
            <option value="user_recall">UserRec recall</option>
          </select>
        </label>
        <label>
          diversity{' '}
          <select
            data-testid="planner.axis.userDiversity"
            value={userDiversity}
            onChange={(e) => setPlannerAxes({ userDiversity: e.currentTarget.value as UserDiversity })}
          >
            <option value="user_ppl">user perplexity</option>
            <option value="user_cov">user coverage</option>
          </select>
        </label>
      </div>
    );
  return (
    <div className="row planner-axes">
      <label>
        relevance{' '}
        <select
          data-testid="planner.axis.relevance"
          value={relevance}
          onChange={(e) => setPlannerAxes({ relevance: e.currentTarget.value as Relevance })}
        >
          <option value="recall">ItemRec recall</option>
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
  const view = usePlanner((s) => s.asked.view);
  const overlay = usePlanner((s) => s.overlay);
  const [problem, setProblem] = useState<string | null>(null);
  const [importProblem, setImportProblem] = useState<string | null>(null);
  const exportV = async (model: string) => {
    const r = await plannerVCsv(model);
    if (r.ok) downloadText(`v_${model.replace(/[^\w-]+/g, '_')}.csv`, r.csv, 'text/csv');
    setProblem(r.ok ? null : r.reason);
  };
  const exportCurves = () => {
    const csv = plannerCurvesCsv();
    if (csv) downloadText(`planner-${view}.csv`, csv, 'text/csv');
    setProblem(csv ? null : 'nothing drawn yet to export');
  };
  const onImport = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.currentTarget.files?.[0];
    e.currentTarget.value = '';
    if (f) setImportProblem(importRimeResults(await f.text(), f.name));
  };
  return (
    <div className="planner-exports">
      <div className="row">
        <button type="button" data-testid="planner.export.csv" onClick={exportCurves}>
          Curves and operating points (CSV)
        </button>
        <span className="muted">Images: the PNG and SVG buttons under each plot.</span>
      </div>
      <div className="row">
        <span>v(y) as CSV:</span>
        {(models ?? []).map((m) => (
          <button key={m} type="button" data-testid={`planner.export.v.${m}`} onClick={() => void exportV(m)}>
            {m}
          </button>
        ))}
        {problem && <span className="error">{problem}</span>}
      </div>
      <div className="row">
        <label className="button">
          Overlay a reference results file (mtch_)…
          <input
            type="file"
            accept=".json,application/json"
            data-testid="planner.import"
            onChange={(e) => void onImport(e)}
          />
        </label>
        {overlay && (
          <>
            <span className="muted" data-testid="planner.overlay">
              {overlay.file}: {overlay.methods.length} methods, lower bounds on the β views, upper bounds on the α view
              {overlay.skipped.length > 0 && ` (${overlay.skipped.length} points left out: ${overlay.skipped[0]}…)`}
            </span>
            <button type="button" onClick={clearOverlay}>
              Remove overlay
            </button>
          </>
        )}
        {importProblem && (
          <span className="error" role="alert" data-testid="planner.import.error">
            {importProblem}
          </span>
        )}
      </div>
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

function Teach() {
  const view = usePlanner((s) => s.asked.view);
  return (
    <p className="teach" data-testid="planner.teach">
      {VIEWS[view].teach}
    </p>
  );
}

/** The curves, with the delivered exposure beside them in the compare and α views. */
function Plots() {
  const side = usePlanner((s) => s.asked.view !== 'beta');
  return (
    <div className={side ? 'planner-plots two' : 'planner-plots'}>
      <LivePlot
        subscribe={subscribeCurves}
        name="planner relevance vs diversity"
        testId="planner.plot.curves"
        height={380}
      />
      {side && (
        <LivePlot
          subscribe={subscribeDelivered}
          name="planner delivered exposure per setting"
          testId="planner.plot.delivered"
          height={380}
        />
      )}
    </div>
  );
}

export function PlannerSection() {
  useEffect(startPlanner, []);
  return (
    <div className="planner" data-testid="planner.view">
      <p className="teach">
        Who sees what: each user gets at most α of the items (user capacity), and each item must reach at least β of the
        users (item minimal exposure, paper eq. 9). The Dual planner meets both with the least loss of relevance;
        raising β spreads recommendations over more items (diversity). Drag the sliders: the planner re-solves from the
        models' cached scores and moves the operating point (◆) along each curve.
      </p>
      <ViewTabs />
      <Teach />
      <Controls />
      <Status />
      <Axes />
      <Plots />
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
