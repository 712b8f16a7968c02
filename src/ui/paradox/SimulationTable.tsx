import type { ParadoxGroup, SimulationResult } from '../../core/paradox';

/** How many of next week's real buyers of D each ranking's top-C found, with the expectation for comparison. */
export function SimulationTable({
  sim,
  groups,
  topC,
}: {
  sim: SimulationResult;
  groups: ParadoxGroup[];
  topC: number;
}) {
  return (
    <div className="simulation" data-testid="paradox.simulation">
      <table>
        <thead>
          <tr>
            <th>group</th>
            <th>users</th>
            <th>bought D</th>
            <th>picked by Bayes</th>
            <th>picked by RIM</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g, i) => (
            <tr key={g.name}>
              <th scope="row">{g.name}</th>
              <td>{sim.groupSizes[i]}</td>
              <td>{sim.buyersPerGroup[i]}</td>
              <td>{sim.bayes.pickedPerGroup[i]}</td>
              <td>{sim.mtpp.pickedPerGroup[i]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        Of {sim.totalBuyers} real buyers, Bayes' top {topC} found{' '}
        <b data-testid="paradox.sim.bayes">{sim.bayes.buyers}</b> (expected {sim.bayes.expectedBuyers.toFixed(1)});
        RIM's top {topC} found <b data-testid="paradox.sim.mtpp">{sim.mtpp.buyers}</b> (expected{' '}
        {sim.mtpp.expectedBuyers.toFixed(1)}).
      </p>
    </div>
  );
}
