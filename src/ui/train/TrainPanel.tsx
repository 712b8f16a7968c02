/**
 * Train: which models (grouped as in the paper), small hyperparameters, the backend in use, start and cancel, a
 * progress bar with ETA and live loss curves. Choices live in the run config (and so in the URL).
 */
import { MODEL_GROUPS, MODEL_NAMES, needsTfjs } from '../../core/models/names';
import { cancelRun, setBackendPref, startRun } from '../../state/run';
import { setHyper, setModels } from '../../state/ui';
import { startOver } from '../../state/workspace';
import { useStore, type AppState } from '../../state/store';
import { LossChart } from './LossChart';
import { ModelChecklist } from './ModelChecklist';
import { NumberField } from './NumberField';
import { TunePanel } from './TunePanel';

const GROUPS: [string, readonly string[]][] = [
  ['User intensities λ(x) × item popularity', MODEL_GROUPS.intensities],
  [
    'Next-item models p(y|x) and RIM compositions λ(x)·p(y|x)',
    [...MODEL_GROUPS.compositions, ...MODEL_GROUPS.sequences],
  ],
  ['Baselines', MODEL_GROUPS.baselines],
];

const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function eta(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '';
  if (s < 60) return `${Math.ceil(s)} s left`;
  return `${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s left`;
}

export function TrainPanel() {
  const config = useStore((s) => s.ui.config);
  const t = useStore((s) => s.training);
  const hasData = useStore((s) => s.dataset.status === 'ready');
  const models = config.models;
  const seq = config.sequence ?? {};
  const toggle = (m: string, on: boolean) =>
    setModels(on ? MODEL_NAMES.filter((x) => x === m || models.includes(x)) : models.filter((x) => x !== m));
  const setSeq = (k: 'hidden' | 'layers' | 'maxLen', v: number | undefined) => {
    const next = { ...seq, [k]: v };
    if (v === undefined) delete next[k];
    setHyper({ epochs: config.epochs, sequence: Object.keys(next).length > 0 ? next : undefined });
  };
  const running = t.status === 'running';
  const p = t.progress;
  const pct = p ? Math.round(100 * p.fraction) : t.status === 'done' ? 100 : 0;
  return (
    <div className="train">
      <ModelChecklist legend="Models" testId="train.models" groups={GROUPS} chosen={models} onToggle={toggle} />
      <div className="row hyper">
        <NumberField
          label="epochs"
          value={config.epochs}
          placeholder="model default"
          testId="train.epochs"
          max={100}
          onChange={(v) => setHyper({ epochs: v, sequence: config.sequence })}
        />
        <NumberField
          label="hidden size"
          value={seq.hidden}
          placeholder="128"
          testId="train.hidden"
          max={1024}
          onChange={(v) => setSeq('hidden', v)}
        />
        <NumberField
          label="layers"
          value={seq.layers}
          placeholder="2"
          testId="train.layers"
          max={8}
          onChange={(v) => setSeq('layers', v)}
        />
        <NumberField
          label="last events per user"
          value={seq.maxLen}
          placeholder="256"
          testId="train.maxlen"
          max={4096}
          onChange={(v) => setSeq('maxLen', v)}
        />
        <label>
          backend{' '}
          <select
            value={t.backendPref}
            data-testid="train.backend.pref"
            title="Best available passes over GPUs emulated in software (SwiftShader, llvmpipe), which are slower than WASM; choose WebGPU by name to use one anyway."
            onChange={(e) => setBackendPref(e.currentTarget.value as AppState['training']['backendPref'])}
          >
            <option value="auto">best available (WebGPU → WebGL → WASM → CPU)</option>
            <option value="webgpu">WebGPU (software too)</option>
            <option value="webgl">WebGL</option>
            <option value="wasm">WASM</option>
            <option value="cpu">CPU (plain JS, slow)</option>
          </select>
        </label>
      </div>
      <div className="row">
        <button
          type="button"
          className="primary"
          data-testid="train.start"
          disabled={!hasData || models.length === 0}
          onClick={() => void startRun()}
        >
          {running ? 'Restart training' : 'Train and evaluate'}
        </button>
        <button type="button" data-testid="train.cancel" disabled={!running} onClick={() => void cancelRun()}>
          Cancel
        </button>
        <button
          type="button"
          className="secondary"
          data-testid="workspace.startOver"
          title="Forget the saved data, results and trained models in this browser and go back to the synthetic world"
          onClick={() => void startOver()}
        >
          Start over
        </button>
        <span
          className="note"
          data-testid="train.backend"
          data-backend={t.backend ?? ''}
          data-threads={t.backend && t.backendThreads ? t.backendThreads : ''}
          title={t.backendNote}
        >
          backend:{' '}
          {t.backend ??
            (models.some(needsTfjs) ? 'chosen when training starts' : 'plain TypeScript (no tfjs model selected)')}
          {t.backend && t.backendThreads ? ` · ${t.backendThreads} thread${t.backendThreads > 1 ? 's' : ''}` : ''}
          {t.backend && t.backendNote ? ` (skipped: ${t.backendNote})` : ''}
        </span>
      </div>
      <div className="status-line" data-testid="train.status" data-status={t.status} data-saved={t.saveState}>
        <div
          className="progress"
          role="progressbar"
          aria-label="training progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          data-testid="train.progress"
        >
          <div className="progress-fill" style={{ width: `${pct}%` }} />
        </div>
        <span>
          {running && p
            ? `${p.model}${p.epochs > 0 ? `: epoch ${p.epoch} of ${p.epochs}` : ''} · model ${Math.min(p.done + 1, p.total)} of ${p.total}` +
              `${p.examplesPerSecond > 0 ? ` · ${fmt.format(p.examplesPerSecond)} examples/s` : ''}${p.etaSeconds !== null ? ` · ${eta(p.etaSeconds)}` : ''}`
            : running
              ? 'starting…'
              : t.status === 'done'
                ? `done: ${Object.keys(t.result?.item_rec ?? {}).length} models evaluated${t.saveState === 'saving' ? ' · saving in this browser…' : t.saveState === 'saved' ? ' · saved in this browser' : t.saveState === 'failed' ? ' · not saved in this browser' : ''}`
                : t.status === 'cancelled'
                  ? // A run stopped by new data has no previous results to keep (they were of the old data).
                    t.result
                    ? 'cancelled; the previous results stay'
                    : 'cancelled'
                  : t.status === 'failed'
                    ? 'failed'
                    : 'not run yet'}
        </span>
      </div>
      <TunePanel />
      {t.fallback && (
        <p className="warning" role="status" data-testid="train.fallback">
          {t.fallback}
        </p>
      )}
      {t.error && (
        <p className="error" data-testid="train.error">
          {t.error}
        </p>
      )}
      <LossChart live={running} />
      <p className="note">
        Loss curves appear for models trained by gradient steps (RNN, Transformer, BPR…); intensities fit in a blink.
      </p>
    </div>
  );
}
