import { WORLD_KINDS, type WorldSimulation } from '../../core/paradox';

/** Figure 2 on a synthetic world: each kind's users and buyers, and how many real buyers each ranking's top C found. */
export function SimulationTable({ sim, topC }: { sim: WorldSimulation & { item: number }; topC: number }) {
  return (
    <div className="simulation" data-testid="paradox.simulation">
      <table>
        <thead>
          <tr>
            <th scope="col">kind of user x</th>
            <th scope="col">users</th>
            <th scope="col">mean p(D | x)</th>
            <th scope="col">bought D next week</th>
            <th scope="col">picked by Bayes</th>
            <th scope="col">picked by RIM</th>
          </tr>
        </thead>
        <tbody>
          {WORLD_KINDS.map((k, i) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td>{sim.kindSizes[i]}</td>
              <td>{sim.meanP[i].toFixed(3)}</td>
              <td>{sim.buyersPerKind[i]}</td>
              <td>{sim.bayes.pickedPerKind[i]}</td>
              <td>{sim.mtpp.pickedPerKind[i]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        Item D = item {sim.item + 1}. Of {sim.totalBuyers} real buyers among {sim.nUsers.toLocaleString('en-US')} users,
        drawn from the world’s own process, Bayes’ top {Math.min(topC, sim.nUsers)} found{' '}
        <b data-testid="paradox.sim.bayes">{sim.bayes.buyers}</b>; RIM’s top {Math.min(topC, sim.nUsers)} found{' '}
        <b data-testid="paradox.sim.mtpp">{sim.mtpp.buyers}</b>.
      </p>
    </div>
  );
}
