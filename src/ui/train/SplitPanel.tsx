/** The split of the run (paper appendix D) with its Table S1, recomputed in the data worker as settings change. */
import type { SplitConfig } from '../../core/data/types';
import { setProtocol, setSplit } from '../../state/split';
import { PROTOCOL_NAMES, PROTOCOL_SUMMARY, type ProtocolName } from '../../core/data/protocols';
import { useStore } from '../../state/store';

const DAY = 86_400;
const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const days = (s: number | undefined) => (s === undefined ? '–' : `${fmt.format(s / DAY)} days`);

export function SplitPanel() {
  const config = useStore((s) => s.ui.config);
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
        {t.split && <span className="note">suggested for this data: {t.split.suggested}</span>}
      </div>
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
