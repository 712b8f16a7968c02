/**
 * The planner's controls: the view tabs, the mode and compared-model pickers, the α and β sliders, the plot axes,
 * the detail model picker and the view's teaching line. Each reads the planner store and calls its actions.
 */
import { ALPHA_SWEEP_BETA_MAX } from '../../core/planner/experiment';
import type { PlannerMode } from '../../core/planner/types';
import {
  BETA_STEPS,
  PLANNER_VIEWS,
  alphaRange,
  compareModelOf,
  setCompareModel,
  setPlannerAlpha,
  setPlannerAxes,
  setPlannerBeta,
  setPlannerDetail,
  setPlannerMode,
  setPlannerView,
  usePlanner,
  type PlannerView,
} from '../../state/planner';
import { pct } from './format';

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

export function ViewTabs() {
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

/** A picker over the input's models (the compared one, the detail one). */
function ModelSelect(props: { testId: string; value: string | null; onPick: (model: string) => void }) {
  const models = usePlanner((s) => s.input?.models ?? null);
  return (
    <select data-testid={props.testId} value={props.value ?? ''} onChange={(e) => props.onPick(e.currentTarget.value)}>
      {(models ?? []).map((m) => (
        <option key={m} value={m}>
          {m}
        </option>
      ))}
    </select>
  );
}

function CompareModel() {
  const model = usePlanner((s) => compareModelOf(s));
  return (
    <label className="planner-field">
      <span>Model compared</span>
      <ModelSelect testId="planner.compare.model" value={model} onPick={setCompareModel} />
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

export function Controls() {
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

export function Axes() {
  const view = usePlanner((s) => s.asked.view);
  const relevance = usePlanner((s) => s.relevance);
  const diversity = usePlanner((s) => s.diversity);
  const userRelevance = usePlanner((s) => s.userRelevance);
  const userDiversity = usePlanner((s) => s.userDiversity);
  if (view === 'alpha')
    return (
      <div className="row planner-axes">
        <AxisSelect
          label="relevance"
          testId="planner.axis.userRelevance"
          value={userRelevance}
          options={[
            ['prec', 'UserRec precision'],
            ['user_recall', 'UserRec recall'],
          ]}
          onPick={(userRelevance) => setPlannerAxes({ userRelevance })}
        />
        <AxisSelect
          label="diversity"
          testId="planner.axis.userDiversity"
          value={userDiversity}
          options={[
            ['user_ppl', 'user perplexity'],
            ['user_cov', 'user coverage'],
          ]}
          onPick={(userDiversity) => setPlannerAxes({ userDiversity })}
        />
      </div>
    );
  return (
    <div className="row planner-axes">
      <AxisSelect
        label="relevance"
        testId="planner.axis.relevance"
        value={relevance}
        options={[
          ['recall', 'ItemRec recall'],
          ['prec', 'precision'],
        ]}
        onPick={(relevance) => setPlannerAxes({ relevance })}
      />
      <AxisSelect
        label="diversity"
        testId="planner.axis.diversity"
        value={diversity}
        options={[
          ['item_ppl', 'item perplexity'],
          ['item_cov', 'item coverage'],
        ]}
        onPick={(diversity) => setPlannerAxes({ diversity })}
      />
    </div>
  );
}

/** One axis picker: its options as [value, label] pairs, the value typed as the union it belongs to. */
function AxisSelect<T extends string>(props: {
  label: string;
  testId: string;
  value: T;
  options: readonly (readonly [T, string])[];
  onPick: (v: T) => void;
}) {
  return (
    <label>
      {props.label}{' '}
      <select data-testid={props.testId} value={props.value} onChange={(e) => props.onPick(e.currentTarget.value as T)}>
        {props.options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

export function DetailPicker() {
  const detail = usePlanner((s) => s.detail);
  return (
    <label>
      details of <ModelSelect testId="planner.detail" value={detail} onPick={setPlannerDetail} />
    </label>
  );
}

export function Teach() {
  const view = usePlanner((s) => s.asked.view);
  return (
    <p className="teach" data-testid="planner.teach">
      {VIEWS[view].teach}
    </p>
  );
}
