/**
 * The guided tour's steps as data: where each one goes, what page state it sets, what to look at, and what its plot
 * must say it shows (a selector and data attributes, read by the e2e spec). Pure, so Node tests reach it; the actions
 * that apply a step live in ./tour.ts.
 */
import type { PlannerMode } from '../core/planner/types';
import { PARADOX_MODEL } from './paradoxSettings';

/** The composition the tour teaches with (trained small on the synthetic world when the run lacks it). */
export const TOUR_MODEL = PARADOX_MODEL;

export interface TourStep {
  /** Short name, also the step's id in tests. */
  id: 'paradox' | 'intensity' | 'userrec' | 'dual' | 'online';
  title: string;
  /** The section the page scrolls to (its element id). */
  section: 'paradox' | 'results' | 'planner';
  /** Two or three sentences: what to look at. */
  text: string;
  /** Planner settings the step sets through the planner's own actions (α, β as fractions). */
  planner?: { mode: PlannerMode; alpha: number; beta: number };
  /** The paradox-on-data γ the step starts from. */
  gamma?: number;
  /**
   * What the step's plot or table says it shows: the element (CSS selector) and, per data attribute (without
   * `data-`), a text its value contains.
   */
  shows: { selector: string; label: string; attrs: Record<string, string> };
}

const byTestId = (id: string, extra = '') => `[data-testid="${id}"]${extra}`;

export const TOUR_STEPS: readonly TourStep[] = [
  {
    id: 'paradox',
    title: 'The Bayesian paradox, on data',
    section: 'paradox',
    gamma: 0,
    text:
      `At γ = 0 the test users are ranked by Bayes rule, p(y | x) alone: quiet users whose few events point at the ` +
      `item rise to the top. Move γ towards 1 (arrow keys on the slider) to rank by RIM's λ(x) · p(y | x) and watch ` +
      `how many of the top C really came in the test window.`,
    shows: {
      selector: byTestId('paradox.data.plot'),
      label: 'users of the top C who came, against γ',
      attrs: { model: TOUR_MODEL, gamma: '0.00' },
    },
  },
  {
    id: 'intensity',
    title: 'The intensity λ(x)',
    section: 'results',
    text:
      `RIM's first factor is the user's intensity λ(x): the expected number of events in the window, fitted from the ` +
      `timing of each user's past events (a Hawkes process here). The explorer lists an item's top users under the ` +
      `Hawkes model: compare their λ(x) with whether they came.`,
    shows: {
      selector: byTestId('results.explorer.table'),
      label: 'the UserRec explorer: λ(x), p(y | x) and who came',
      attrs: { model: 'Hawkes' },
    },
  },
  {
    id: 'userrec',
    title: 'UserRec: the top users for each item',
    section: 'results',
    text:
      `UserRec turns recommendation around: for each item, the C users most likely to come. Compare ${TOUR_MODEL}, ` +
      `which multiplies λ(x) by the sequence model's p(y | x), with Hawkes (λ(x) times item popularity) and Pop in ` +
      `the UserRec table.`,
    shows: {
      selector: byTestId('results.table', '[data-task="user_rec"]'),
      label: 'the UserRec table',
      attrs: { task: 'user_rec', models: TOUR_MODEL },
    },
  },
  {
    id: 'dual',
    title: "The Dual's trade-off",
    section: 'planner',
    planner: { mode: 'offline', alpha: 0.01, beta: 0.005 },
    text:
      `The Dual planner gives every item at least β of the users while each user sees at most α of the items (eq. 9). ` +
      `Each line is one model's sweep over β, recall against item perplexity; the ◆ marks β = 0.5%. Raise β to buy ` +
      `diversity with relevance.`,
    shows: {
      selector: byTestId('planner.plot.curves'),
      label: 'relevance against diversity, offline Dual',
      attrs: { mode: 'offline', alpha: '0.01', beta: '0.005' },
    },
  },
  {
    id: 'online',
    title: 'Online delivery',
    section: 'planner',
    planner: { mode: 'online', alpha: 0.01, beta: 0.005 },
    text:
      `Online, the Dual's item prices v are learnt on the validation users and applied to each test user as they ` +
      `arrive, without seeing the others. The bars show how much exposure each item really got under ${TOUR_MODEL}, ` +
      `against the β target (dashed line).`,
    shows: {
      selector: byTestId('planner.plot.exposure'),
      label: 'delivered exposure per item, online Dual',
      attrs: { model: TOUR_MODEL, beta: '0.005' },
    },
  },
];

/** The step of a `?tour=N` value (N counts from 1); null for none or a value that names no step. */
export function parseTourParam(v: string | null): number | null {
  if (v === null || !/^\d+$/.test(v.trim())) return null;
  const n = Number(v) - 1;
  return n >= 0 && n < TOUR_STEPS.length ? n : null;
}

/** The `?tour=` value of step `i` (from 0). */
export const tourParam = (i: number): string => String(i + 1);

/** The step after `i` moved by `delta`, kept within the tour. */
export const clampStep = (i: number, delta: number): number => Math.min(TOUR_STEPS.length - 1, Math.max(0, i + delta));
