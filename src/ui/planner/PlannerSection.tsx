/**
 * Section 4: the matching planner, live. Sliders set item minimal exposure β and user capacity α;
 * the planner worker re-solves from cached scores (never retraining) and the plots redraw from store subscriptions,
 * outside React renders. React here renders only the controls, the small tables and the status line.
 */
import { Axes, Controls, DetailPicker, Teach, ViewTabs } from './controls';
import { Exports } from './exports';
import { ExposurePlot, Plots } from './plots';
import { Status } from './status';
import { BoostedTable, PointTable } from './tables';
import './planner.css';

export function PlannerSection() {
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
          <ExposurePlot />
        </div>
        <BoostedTable />
      </div>
      <Exports />
    </div>
  );
}
