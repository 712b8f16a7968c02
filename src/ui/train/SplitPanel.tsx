/** The split of the run (paper appendix D) with its Table S1, recomputed in the data worker as settings change. */
import type { SplitConfig } from '../../core/data/types';
import type { SplitSummary } from '../../core/data/splitSummary';
import { setProtocol, setSplit } from '../../state/split';
import { PROTOCOL_NAMES, PROTOCOL_SUMMARY, type ProtocolName } from '../../core/data/protocols';
import { useStore } from '../../state/store';

const DAY = 86_400;
const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const days = (s: number | undefined) => (s === undefined ? '–' : `${fmt.format(s / DAY)} days`);

const KIND_NAME: Record<SplitConfig['kind'], string> = { temporal: 'temporal', user: 'by user' };

/** Why core/data/split suggests `kind`: the median user's span against a hundredth of the log's. */
function suggestionWhy(kind: SplitConfig['kind'], b: SplitSummary['suggestedBecause']): string {
  const spans = `the median user's events span ${days(b.medianUserSpan)}, the log's ${days(b.logSpan)}`;
  return kind === 'user'
    ? `${spans}: under a hundredth of it, so users come at different times and one test start would cut few of them (paper appendix D)`
    : `${spans}: at least a hundredth of it, so one test start T cuts through many users' histories`;
}

export function SplitPanel() {
  const config = useStore((s) => s.ui.config);
  const splitBy = useStore((s) => s.ui.splitBy);
  const t = useStore((s) => s.training);
  const source = useStore((s) => s.dataset.summary?.source ?? null);
  const split: SplitConfig = config.split;
  const horizonDays = split.horizon === undefined ? '' : String(split.horizon / DAY);
  const updating = source !== null && t.splitSource !== source;
  const st = t.split?.stats;
  const rows: [string, string][] = st
    ? [
        [
          'train users / items / events',
          `${fmt.format(st.trainUsers)} / ${fmt.format(st.trainItems)} / ${fmt.format(st.trainEvents)}`,
        ],
        [
          'test users / items / events',
          `${fmt.format(st.testUsers)} / ${fmt.format(st.testItems)} / ${fmt.format(st.testEvents)}`,
        ],
        ['mean history length', fmt.format(st.avgHistLength)],
        ['mean target length', fmt.format(st.avgTargetLength)],
        ['prediction window ΔT', days(st.horizon)],
      ]
    : [];
  return (
    <div className="split" data-testid="train.split">
      <div className="row">
        <label>
          protocol{' '}
          <select
            value={config.protocol ?? ''}
            data-testid="train.split.protocol"
            onChange={(e) => setProtocol((e.currentTarget.value || undefined) as ProtocolName | undefined)}
          >
            <option value="">none: the whole log</option>
            {PROTOCOL_NAMES.map((p) => (
              <option key={p} value={p}>
                {p} (paper appendix D)
              </option>
            ))}
          </select>
        </label>
        {config.protocol && (
          <span className="note" data-testid="train.split.protocol.note">
            {PROTOCOL_SUMMARY[config.protocol]}
          </span>
        )}
      </div>
      <div className="row">
        <label>
          split{' '}
          <select
            value={split.kind}
            data-testid="train.split.kind"
            onChange={(e) => setSplit({ kind: e.currentTarget.value as SplitConfig['kind'] })}
          >
            <option value="temporal">temporal: train before T, test [T, T + ΔT)</option>
            <option value="user">by user: held-out users, relative start</option>
          </select>
        </label>
        <label>
          ΔT (days){' '}
          <input
            type="number"
            min={0}
            step={1}
            placeholder="auto"
            value={horizonDays}
            data-testid="train.split.horizon"
            onChange={(e) => {
              const v = e.currentTarget.value;
              setSplit({ ...split, horizon: v === '' ? undefined : Number(v) * DAY });
            }}
          />
        </label>
        {t.split && splitBy !== 'suggested' && (
          <span className="note" data-testid="train.split.suggested">
            suggested for this data: {t.split.suggested}
          </span>
        )}
      </div>
      {t.split && splitBy === 'suggested' && (
        <p className="note" data-testid="train.split.adopted" data-kind={t.split.suggested}>
          Split adopted as suggested for this data ({KIND_NAME[t.split.suggested]}):{' '}
          {suggestionWhy(t.split.suggested, t.split.suggestedBecause)}. Choose a split above to use another.
        </p>
      )}
      {t.splitError && <p className="error">{t.splitError}</p>}
      <table
        className={`table-s1${updating ? ' updating' : ''}`}
        data-testid="train.split.stats"
        data-test-users={st?.testUsers ?? ''}
      >
        <caption>Table S1 of this split{updating ? ' (updating…)' : ''}</caption>
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {t.split?.warnings.map((w) => (
        <p key={w} className="note">
          {w}
        </p>
      ))}
    </div>
  );
}
