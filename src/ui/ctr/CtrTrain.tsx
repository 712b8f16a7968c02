/**
 * Train for the click-and-conversion track: which models (single-task, multi-task, MuseNet and its ablations), a
 * small shared size, RelaImpr's base, start and cancel, a progress bar and the live loss curves.
 */
import { CTR_MODEL_NAMES, type CtrModelName } from '../../core/ctr/models/options';
import { cancelCtrRun, setCtrHyper, setCtrModels, startCtrRun, useCtr } from '../../state/ctr';
import { LossChart } from '../train/LossChart';
import { ModelChecklist } from '../train/ModelChecklist';
import { NumberField } from '../train/NumberField';

const GROUPS: [string, CtrModelName[]][] = [
  ['Single-task (one network per label; conversion trained on clicks only)', ['LR', 'DeepFM', 'DIN']],
  ['Multi-task (002: click and click-and-conversion over every impression)', ['MMoE', 'MT-RNN']],
  [
    'MuseNet (003) and its ablations (click only)',
    ['MuseNet-soft', 'MuseNet-hard', 'MuseNet-noscenario', 'MuseNet-norepeat'],
  ],
];

export function CtrTrain() {
  const { config, run, status } = useCtr();
  const running = run.status === 'running';
  const p = run.progress;
  const pct = p ? Math.round(100 * p.fraction) : run.status === 'done' ? 100 : 0;
  const toggle = (m: CtrModelName, on: boolean) =>
    setCtrModels(
      on ? CTR_MODEL_NAMES.filter((x) => x === m || config.models.includes(x)) : config.models.filter((x) => x !== m),
    );
  return (
    <div className="train ctr-train">
      <ModelChecklist
        legend="Click-and-conversion models"
        testId="ctr.models"
        groups={GROUPS}
        chosen={config.models}
        onToggle={toggle}
      />
      <div className="row hyper">
        <NumberField
          max={512}
          label="epochs"
          value={config.epochs}
          placeholder="5"
          testId="ctr.epochs"
          onChange={(v) => setCtrHyper({ epochs: v })}
        />
        <NumberField
          max={512}
          label="embedding size"
          value={config.embeddingDim}
          placeholder="16"
          testId="ctr.embedding"
          onChange={(v) => setCtrHyper({ embeddingDim: v })}
        />
        <NumberField
          max={512}
          label="clicked items read"
          value={config.maxLen}
          placeholder="20"
          testId="ctr.maxlen"
          onChange={(v) => setCtrHyper({ maxLen: v })}
        />
        <NumberField
          max={512}
          label="seed"
          value={config.seed}
          placeholder="1"
          testId="ctr.seed"
          onChange={(v) => setCtrHyper({ seed: v ?? 1 })}
        />
        <label>
          RelaImpr base{' '}
          <select
            data-testid="ctr.base"
            value={config.base ?? config.models[0] ?? ''}
            onChange={(e) => useCtr.setState({ config: { ...config, base: e.currentTarget.value as CtrModelName } })}
          >
            {config.models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="row">
        <button
          type="button"
          className="primary"
          data-testid="ctr.start"
          disabled={status !== 'ready' || config.models.length === 0}
          onClick={() => void startCtrRun()}
        >
          {running ? 'Restart training' : 'Train and evaluate'}
        </button>
        <button type="button" data-testid="ctr.cancel" disabled={!running} onClick={() => void cancelCtrRun()}>
          Cancel
        </button>
        <span className="note" data-testid="ctr.backend">
          backend: {run.backend ?? 'chosen when training starts'} (the choice in the interaction track's Train panel)
        </span>
      </div>
      <div
        className="status-line"
        data-testid="ctr.status"
        data-status={run.status}
        data-restored={run.restored ? 'true' : 'false'}
        data-saved={run.saveState ?? ''}
      >
        <div
          className="progress"
          role="progressbar"
          aria-label="click-and-conversion training progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
        >
          <div className="progress-fill" style={{ width: `${pct}%` }} />
        </div>
        <span>
          {running && p
            ? `${p.model}${p.epochs > 0 ? `: epoch ${p.epoch} of ${p.epochs}` : ''} · model ${Math.min(p.done + 1, p.total)} of ${p.total}` +
              (p.etaSeconds !== null ? ` · ${Math.ceil(p.etaSeconds)} s left` : '')
            : running
              ? 'starting…'
              : run.status === 'done'
                ? `done: ${Object.keys(run.result?.models ?? {}).length} models evaluated` +
                  (run.restored
                    ? ' · restored from this browser (same data, split and config; not retrained)'
                    : run.saveState === 'saving'
                      ? ' · saving in this browser…'
                      : run.saveState === 'saved'
                        ? ' · saved in this browser'
                        : run.saveState === 'failed'
                          ? ' · not saved in this browser'
                          : '')
                : run.status}
        </span>
      </div>
      {run.error && (
        <p className="error" data-testid="ctr.error">
          {run.error}
        </p>
      )}
      <LossChart live={running} />
      <p className="note">
        Loss: binary cross-entropy per impression (002's loss for the multi-task models, 003's eq. 13 for MuseNet);
        single-task models fit their click and conversion networks in turn.
      </p>
    </div>
  );
}
