/**
 * The Data section's click-and-conversion part: a synthetic impression world to start from, and the summary of the
 * impression log held (dropped files with click or conversion columns land here, read in the ctr worker).
 */
import { useState } from 'react';
import { CTR_WORLD_PRESETS, type CtrWorldPreset } from '../../core/ctr/worldConfig';
import { loadCtrSynthetic, useCtr } from '../../state/ctr';
import { ProblemsTable } from '../data/ProblemsTable';
import { SeedInput } from '../data/SeedInput';

const fmt = new Intl.NumberFormat('en-US');
const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toPrecision(3)}%`);
const day = (t: number) => (Number.isFinite(t) ? new Date(t * 1000).toISOString().slice(0, 10) : '–');

export function CtrData() {
  const s = useCtr();
  const [preset, setPreset] = useState<CtrWorldPreset>('small');
  const [seed, setSeed] = useState(1);
  const d = s.data;
  return (
    <div className="ctr-data">
      <h3>Clicks and conversions</h3>
      <p className="note">
        An impression log (user, item, time, <code>click</code>, optional <code>conversion</code>, <code>pid</code> or{' '}
        <code>context</code>, <code>category</code>) dropped above is read as impressions for the click-and-conversion
        models of papers 002 and 003; or start from a synthetic impression world whose true probabilities and scenarios
        are known.
      </p>
      <div className="row">
        <button
          type="button"
          data-testid="ctr.synthetic"
          disabled={s.status === 'busy'}
          onClick={() => void loadCtrSynthetic(preset, seed)}
        >
          Use synthetic impressions
        </button>
        <select
          aria-label="synthetic impression world"
          data-testid="ctr.synthetic.preset"
          value={preset}
          onChange={(e) => setPreset(e.currentTarget.value as CtrWorldPreset)}
        >
          {(Object.keys(CTR_WORLD_PRESETS) as CtrWorldPreset[]).map((p) => (
            <option key={p} value={p}>
              {p}: {fmt.format(CTR_WORLD_PRESETS[p].nUsers)} users × {fmt.format(CTR_WORLD_PRESETS[p].nItems)} items,{' '}
              {fmt.format(CTR_WORLD_PRESETS[p].targetImpressions)} impressions
            </option>
          ))}
        </select>
        <SeedInput value={seed} label="synthetic impressions seed" onChange={setSeed} />
        <span aria-live="polite">{s.activity}</span>
      </div>
      {(s.error || (d && d.problems.length > 0)) && (
        <div className="problems" data-testid="ctr.problems" role="alert">
          {s.error && <p className="error">{s.error}</p>}
          {d && d.problems.length > 0 && (
            <details open>
              <summary>
                {fmt.format(d.skipped)} row(s) of {d.source} left out; the others are kept
              </summary>
              <ProblemsTable problems={d.problems} />
            </details>
          )}
        </div>
      )}
      {s.active && d && (
        <div
          className="summary"
          data-testid="ctr.summary"
          data-impressions={d.summary.impressions}
          data-users={d.summary.users}
          data-items={d.summary.items}
        >
          <dl className="stats">
            <div>
              <dt>source</dt>
              <dd>{d.source}</dd>
            </div>
            <div>
              <dt>kind</dt>
              <dd>impressions ({d.summary.labels === 'logged' ? 'labels from the file' : d.summary.labels})</dd>
            </div>
            <div>
              <dt>impressions</dt>
              <dd>{fmt.format(d.summary.impressions)}</dd>
            </div>
            <div>
              <dt>users</dt>
              <dd>{fmt.format(d.summary.users)}</dd>
            </div>
            <div>
              <dt>items</dt>
              <dd>{fmt.format(d.summary.items)}</dd>
            </div>
            <div>
              <dt>CTR</dt>
              <dd title="clicks / impressions" data-testid="ctr.summary.ctr">
                {pct(d.summary.clickRate)}
              </dd>
            </div>
            <div>
              <dt>CVR</dt>
              <dd title="conversions / clicks">{pct(d.summary.conversionPerClick)}</dd>
            </div>
            <div>
              <dt>conversions</dt>
              <dd title="conversions / impressions">{pct(d.summary.conversionPerImpression)} of impressions</dd>
            </div>
            <div>
              <dt>repeats</dt>
              <dd title="share of clicks on an item the user clicked before">{pct(d.summary.repeatRate)}</dd>
            </div>
            <div>
              <dt>scenarios</dt>
              <dd>
                {d.summary.context
                  ? `column ${d.summary.context.column}: ${d.summary.context.cardinality} values`
                  : 'no scenario column'}
                {d.trueScenarios !== null ? ` · ${d.trueScenarios} hidden (known to the world)` : ''}
              </dd>
            </div>
            <div>
              <dt>time span</dt>
              <dd>
                {day(d.summary.tMin)} → {day(d.summary.tMax)} ({d.summary.days} days)
              </dd>
            </div>
          </dl>
          {d.summary.notes.length > 0 && (
            <ul className="notes" data-testid="ctr.summary.notes">
              {d.summary.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          <p className="next">Next: pick the click-and-conversion models in section 2.</p>
        </div>
      )}
    </div>
  );
}
