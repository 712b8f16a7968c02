/**
 * The planner's plots, drawn from store subscriptions outside React renders: the curves, the delivered exposure
 * beside them (compare and α views), and the exposure histogram of the detail model.
 */
import { usePlanner, type PlannerState } from '../../state/planner';
import { useStore } from '../../state/store';
import { LivePlot, type LiveFrame } from '../charts/LivePlot';
import { firstPlotGate, holdOtherPlots, recheckHeldPlots } from '../charts/Plot';
import { curvesFrame, deliveredFrame, exposureFrame } from './frames';

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
  'swept',
  'compare',
  'shown',
  'preview',
  'asked',
  'relevance',
  'diversity',
  'userRelevance',
  'userDiversity',
  'overlay',
  'input',
]);
const subscribeDelivered = subscriber(deliveredFrame, ['curves', 'compare', 'swept', 'asked', 'input']);
const subscribeExposure = subscriber(exposureFrame, ['shown', 'detail']);

/** The first curve: a line of two points (the page's first screen waits for it before its other plots draw). */
const firstCurve = (f: LiveFrame) => (f.attrs?.points ?? '').split(',').some((n) => Number(n) >= 2);

/**
 * Whether the page's first curve is on its way: data still arriving, a run going (the planner shows its first model),
 * the planner taking scores or solving its first sweep with no line drawn yet.
 */
function firstCurvePending(): boolean {
  const { dataset, training } = useStore.getState();
  const p = usePlanner.getState();
  if ((dataset.status !== 'ready' && !dataset.error) || training.status === 'running' || p.status === 'loading')
    return true;
  return p.status === 'ready' && p.sweeping;
}

/** Once per page, before React's first render: the other plots wait for the first curve (charts/Plot.tsx). */
export function holdPlotsForFirstCurve(): void {
  holdOtherPlots(firstCurvePending);
  const unsubscribe = [useStore.subscribe(recheckHeldPlots), usePlanner.subscribe(recheckHeldPlots)];
  void firstPlotGate().then(() => unsubscribe.forEach((u) => u()));
}

/** The curves, with the delivered exposure beside them in the compare and α views. */
export function Plots() {
  const side = usePlanner((s) => s.asked.view !== 'beta');
  return (
    <div className={side ? 'planner-plots two' : 'planner-plots'}>
      <LivePlot
        subscribe={subscribeCurves}
        name="planner relevance vs diversity"
        testId="planner.plot.curves"
        height={380}
        opensGate={firstCurve}
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

/** The exposure histogram of the detail model's shown solution. */
export function ExposurePlot() {
  return (
    <LivePlot
      subscribe={subscribeExposure}
      name="planner delivered exposure"
      testId="planner.plot.exposure"
      height={240}
    />
  );
}
