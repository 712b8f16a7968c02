/** Section 1: the data. Opens on the synthetic world; a file can be chosen or dropped; refusals keep the old data. */
import { useState, type DragEvent } from 'react';
import { cancelLoad, chooseFile, loadItemMeta, loadSynthetic } from '../../state/dataset';
import { useStore } from '../../state/store';
import { useCtr } from '../../state/ctr';
import { DataCharts } from './DataCharts';
import { Preview } from './Preview';
import { ProblemsTable } from './ProblemsTable';
import { TopItems } from './TopItems';
import { SeedInput } from './SeedInput';

const fmt = new Intl.NumberFormat('en-US');
/** A share as a percentage with up to 3 significant digits (0.0170 → "1.70%"). */
const pct1 = (x: number) => `${(100 * x).toPrecision(3)}%`;
const day = (t: number) => (Number.isFinite(t) ? new Date(t * 1000).toISOString().slice(0, 10) : '–');

export function DataSection() {
  const d = useStore((s) => s.dataset);
  // An impression log replaces the interaction summary (CtrData shows its own).
  const ctr = useCtr((s) => s.active);
  const [over, setOver] = useState(false);
  const [preset, setPreset] = useState<'small' | 'ml1m'>('small');
  const [seed, setSeed] = useState(1);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const f = e.dataTransfer.files[0];
    if (f) void chooseFile(f);
  };
  const pct = d.progress && d.progress.total > 0 ? Math.round((100 * d.progress.loaded) / d.progress.total) : 0;
  return (
    <div className="data">
      <div
        className={`dropzone${over ? ' over' : ''}`}
        data-testid="data.dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>
          Interactions as CSV, TSV or MovieLens <code>::</code> lines: user, item, (rating,) timestamp in seconds; or
          impressions with a <code>click</code> column (clicks and conversions, below). Drop a file here or choose one.
          The file is read in this browser tab and never leaves it.
        </p>
        <div className="row">
          <label className="button">
            Choose ratings file…
            <input
              type="file"
              accept=".csv,.tsv,.dat,.txt,text/csv,text/plain"
              data-testid="data.upload.input"
              onChange={(e) => {
                const f = e.currentTarget.files?.[0];
                e.currentTarget.value = '';
                if (f) void chooseFile(f);
              }}
            />
          </label>
          <label className="button secondary">
            Item titles (optional)…
            <input
              type="file"
              accept=".csv,.tsv,.dat,.txt,text/csv,text/plain"
              data-testid="data.meta.input"
              onChange={(e) => {
                const f = e.currentTarget.files?.[0];
                e.currentTarget.value = '';
                if (f) void loadItemMeta(f);
              }}
            />
          </label>
          <span className="synth">
            <button
              type="button"
              data-testid="data.synthetic"
              onClick={() => void loadSynthetic(preset, seed)}
              disabled={d.status === 'busy'}
            >
              Use the synthetic world
            </button>
            <select
              aria-label="synthetic world size"
              value={preset}
              onChange={(e) => setPreset(e.currentTarget.value as 'small' | 'ml1m')}
            >
              <option value="small">small: 2,000 users × 500 items</option>
              <option value="ml1m">ML-1M sized: 6,040 × 3,706, 1M events</option>
            </select>
            <SeedInput value={seed} label="synthetic world seed" onChange={setSeed} />
          </span>
        </div>
      </div>

      <Preview />

      <div className="status-line" aria-live="polite">
        {d.progress ? (
          <>
            <progress
              data-testid="data.progress"
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={pct}
              max={100}
              value={pct}
            />
            <span>
              {d.activity} {pct}%
            </span>
            <button type="button" data-testid="data.cancel" onClick={cancelLoad}>
              Cancel
            </button>
          </>
        ) : (
          <span>{d.activity}</span>
        )}
      </div>

      {(d.error || d.problems.length > 0) && (
        <div className="problems" data-testid="data.problems" role="alert">
          {d.error && <p className="error">{d.error}</p>}
          {d.problems.length > 0 && (
            <details open={!!d.error}>
              <summary>{d.problems.length} line(s) skipped</summary>
              <ProblemsTable problems={d.problems} />
            </details>
          )}
        </div>
      )}

      {ctr ? null : d.summary ? (
        <div
          className="summary"
          data-testid="data.summary"
          data-events={d.summary.nEvents}
          data-users={d.summary.nUsers}
          data-items={d.summary.nItems}
          data-load-ms={d.loadTiming && (d.loadTiming.readParse + d.loadTiming.build + d.loadTiming.summary).toFixed(1)}
          data-load-phases={
            d.loadTiming &&
            [d.loadTiming.readParse, d.loadTiming.build, d.loadTiming.summary].map((x) => x.toFixed(0)).join('/')
          }
          data-load-readers={d.loadTiming?.readers}
        >
          <dl className="stats">
            <div>
              <dt>source</dt>
              <dd>{d.summary.source}</dd>
            </div>
            <div>
              <dt>events</dt>
              <dd>{fmt.format(d.summary.nEvents)}</dd>
            </div>
            <div>
              <dt>users</dt>
              <dd>{fmt.format(d.summary.nUsers)}</dd>
            </div>
            <div>
              <dt>items</dt>
              <dd>{fmt.format(d.summary.nItems)}</dd>
            </div>
            <div>
              <dt>time span</dt>
              <dd>
                {day(d.summary.tMin)} → {day(d.summary.tMax)}
              </dd>
            </div>
            {d.summary.density !== undefined && (
              <div>
                <dt>density</dt>
                <dd title="events / (users × items)">{pct1(d.summary.density)}</dd>
              </div>
            )}
            {d.summary.repeatRate !== undefined && (
              <div>
                <dt>repeats</dt>
                <dd title="share of events on an item the user had already">{pct1(d.summary.repeatRate)}</dd>
              </div>
            )}
          </dl>
          {d.summary.warnings && d.summary.warnings.length > 0 && (
            <p className="warning" data-testid="data.health">
              Health check: {d.summary.warnings.join('; ')}. The data is loaded; results on it may be unreliable.
            </p>
          )}
          <DataCharts summary={d.summary} />
          <TopItems summary={d.summary} />
          <p className="next">
            Next: check how the log splits into training and test in section 2, or see in section 5 why time matters
            when choosing whom to market to.
          </p>
        </div>
      ) : (
        <div className="summary placeholder">Preparing the synthetic world…</div>
      )}
    </div>
  );
}
