/**
 * Section 5: the Bayesian paradox. On the data: a trained composition's two rankings and the γ slider between them
 * (ParadoxData). Beside it, Figure 2 in closed form, recomputed from the store in render (3 groups), and the same
 * comparison played on a synthetic world whose next week is drawn from its own process.
 */
import { checkGroups, muCrossover, paradoxScores } from '../../core/paradox';
import { resetParadox, setGroupField, setMu, simulate } from '../../state/paradox';
import { useStore } from '../../state/store';
import { useState } from 'react';
import { ParadoxChart } from './ParadoxChart';
import { ParadoxData } from './ParadoxData';
import { Ranking } from './Ranking';
import { SimulationTable } from './SimulationTable';

const MU_MAX = 4;

export function ParadoxSection() {
  const p = useStore((s) => s.paradox);
  const [simError, setSimError] = useState<string | null>(null);
  const valid = checkGroups(p.groups, p.mu);
  const scores = paradoxScores(p.groups, p.mu);
  const cross = muCrossover(p.groups);
  const num = (v: string) => (v.trim() === '' ? NaN : Number(v));
  return (
    <div className="paradox" data-testid="paradox.view">
      <h3>On the data: who will come for this item?</h3>
      <p className="teach">
        A trained next-item model gives p(y | x) for every test user; its RIM composition adds the user's intensity
        λ(x). Bayes rule ranks the users by p(y | x) alone (every user one draw of x), RIM by λ(x) · p(y | x). The
        slider moves the ranking from one to the other; the count says how many of the top C really came in the test
        window.
      </p>
      <ParadoxData />
      <h3>Figure 2 in closed form</h3>
      <div className="teach">
        <p>
          We want the users most likely to buy item <b>D</b> next week. Three kinds of users, by what they did last
          week: some watched <b>A and B</b>, some watched <b>C</b>, and most did <b>nothing</b>. A next-item model says
          how likely D is after each history, p(D | x).
        </p>
        <p>
          <b>Bayes rule</b> ranks kinds of users by p(x | D) ∝ p(D | x) · p(x). Because inactive users are the biggest
          group, it puts them first, though each of them will almost never buy: it mixes up <i>how many</i> users share
          a history with <i>how active</i> each user is. <b>RIM</b> treats each user as a point process and ranks by the
          intensity λ(x) · p(D | x): the expected purchases of D per week (paper eq. 3). Inactive users get a small
          background intensity μ.
        </p>
      </div>

      <table className="groups">
        <thead>
          <tr>
            <th>history last week (x)</th>
            <th>share p(x)</th>
            <th>p(y = D | x)</th>
            <th>events per week λ(x)</th>
          </tr>
        </thead>
        <tbody>
          {p.groups.map((g, i) => (
            <tr key={g.name}>
              <th scope="row">{g.name}</th>
              <td>
                <input
                  type="number"
                  min={0}
                  max={1}
                  step={0.05}
                  value={g.share}
                  aria-label={`share of ${g.name}`}
                  data-testid={`paradox.share.${i}`}
                  onChange={(e) => setGroupField(i, 'share', num(e.currentTarget.value))}
                />
              </td>
              <td>
                <input
                  type="number"
                  min={0}
                  max={1}
                  step={0.05}
                  value={g.pD}
                  aria-label={`p(D | ${g.name})`}
                  data-testid={`paradox.pD.${i}`}
                  onChange={(e) => setGroupField(i, 'pD', num(e.currentTarget.value))}
                />
              </td>
              <td>
                {g.lambda === null ? (
                  <span>μ = {p.mu.toFixed(2)}</span>
                ) : (
                  <input
                    type="number"
                    min={0}
                    step={0.5}
                    value={g.lambda}
                    aria-label={`λ of ${g.name}`}
                    data-testid={`paradox.lambda.${i}`}
                    onChange={(e) => setGroupField(i, 'lambda', num(e.currentTarget.value))}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <label className="mu">
        <span>
          background intensity μ = <output>{p.mu.toFixed(2)}</output> events per week
        </span>
        <input
          type="range"
          min={0.05}
          max={MU_MAX}
          step={0.05}
          value={p.mu}
          data-testid="paradox.mu"
          onChange={(e) => setMu(Number(e.currentTarget.value))}
        />
      </label>
      {cross !== null && (
        <p className="note">
          Above μ = {cross.toFixed(2)} an inactive user would be expected to buy D more often than the best active user,
          and RIM would rank them first too.
        </p>
      )}

      {valid.ok ? (
        <div className="rankings">
          <Ranking
            testId="paradox.ranking.bayes"
            title="Bayes rule: p(x | D) ∝ p(D | x) p(x)"
            order={scores.bayesOrder}
            groups={p.groups}
            value={(g) => `${scores.groups[g].posterior.toFixed(3)}`}
            unit="posterior"
          />
          <Ranking
            testId="paradox.ranking.mtpp"
            title="RIM (MTPP): λ(x) · p(D | x)"
            order={scores.mtppOrder}
            groups={p.groups}
            value={(g) => `${scores.groups[g].mtpp.toFixed(3)}`}
            unit="D per week"
          />
        </div>
      ) : (
        <p className="error" role="alert">
          {valid.reason}
        </p>
      )}

      {valid.ok && <ParadoxChart groups={p.groups} mu={p.mu} muMax={MU_MAX} nUsers={p.nUsers} topC={p.topC} />}

      <div className="row">
        <button
          type="button"
          data-testid="paradox.simulate"
          disabled={p.simulating}
          onClick={() => void simulate().then(setSimError)}
        >
          {p.simulating
            ? 'Drawing a world…'
            : `Play it on a synthetic world (${p.nUsers.toLocaleString('en-US')} users, top ${p.topC.toLocaleString('en-US')})`}
        </button>
        <button type="button" onClick={resetParadox}>
          Back to Figure 2
        </button>
      </div>
      <p className="note">
        The chart assumes each user buys as RIM's own model says (Poisson with rate λ(x) · p(D | x)). The button checks
        that on a synthetic world instead: users of three kinds by last week's events (like [A, B], [C] and ∅), p(D | x)
        the world's true next-item probability, λ(x) last week's count (μ for none), and next week drawn from each
        user's own Hawkes process and item tastes.
      </p>
      {simError && <p className="error">{simError}</p>}
      {p.simulation && <SimulationTable sim={p.simulation} topC={p.topC} />}
    </div>
  );
}
