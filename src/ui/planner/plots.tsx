/**
 * The planner's plots, drawn from store subscriptions outside React renders: the curves, the delivered exposure
 * beside them (compare and α views), and the exposure histogram of the detail model.
 */
import { usePlanner, type PlannerState } from '../../state/planner';
import { LivePlot, type LiveFrame } from '../charts/LivePlot';
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
