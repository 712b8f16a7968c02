/**
 * Tune: a budget (trials, minutes) for a seeded search over the sequence models' training settings on the validation
 * window, its live progress (trial, epoch, best so far), and the settings it chose. The search runs in the run
 * worker as part of the run (state/tune.ts); Cancel is the run's.
 */
import { useState } from 'react';
import { useStore } from '../../state/store';
import { DEFAULT_TUNE, startTune, stopTuning } from '../../state/tune';
import { canTune, formatSettings, tunedModels } from '../../state/tuneResults';

const clampInt = (v: string, lo: number, hi: number): number | null => {
  const n = Math.trunc(Number(v));
  return v === '' || !Number.isFinite(n) ? null : Math.min(hi, Math.max(lo, n));
};

export function TunePanel() {
  const config = useStore((s) => s.ui.config);
  const t = useStore((s) => s.training);
  const hasData = useStore((s) => s.dataset.status === 'ready');
  const [trials, setTrials] = useState(String(config.tune?.trials ?? DEFAULT_TUNE.trials));
  const [minutes, setMinutes] = useState(String(config.tune?.minutes ?? DEFAULT_TUNE.minutes));
  const tunable = canTune(config.models);
  const nTrials = clampInt(trials, 1, 1000);
  const nMinutes = Number(minutes);
  const budgetOk = nTrials !== null && minutes !== '' && nMinutes > 0;
  const p = t.status === 'running' ? t.progress : null;
  const step = p?.tune;
  const chosen = t.status === 'running' ? [] : tunedModels(t.result);
  return (
    <fieldset className="tune" data-testid="train.tune">
      <legend>Tune the sequence models</legend>
      <div className="row">
        <label>
          trials{' '}
          <input
            type="number"
            min={1}
            max={1000}
            step={1}
            value={trials}
            data-testid="train.tune.trials"
            onChange={(e) => setTrials(e.currentTarget.value)}
          />
        </label>
        <label>
          minutes at most{' '}
          <input
            type="number"
            min={0.1}
            step="any"
            value={minutes}
            data-testid="train.tune.minutes"
            onChange={(e) => setMinutes(e.currentTarget.value)}
          />
        </label>
        <button
          type="button"
          data-testid="train.tune.start"
          disabled={!hasData || !tunable || !budgetOk}
          title={
            tunable
              ? 'Search lr, hidden size, dropout and weight decay on the validation window (the defaults are trial 1), then train with the best and evaluate'
              : 'Choose RNN or Transformer (or one of their compositions) to tune'
          }
          onClick={() => budgetOk && void startTune({ trials: nTrials, minutes: nMinutes })}
        >
          Tune and train
        </button>
        {config.tune && (
          <span className="note" data-testid="train.tune.config">
            the run config tunes before training ({config.tune.trials} trials
            {config.tune.minutes !== undefined ? `, ${config.tune.minutes} min at most` : ''}){' '}
            <button type="button" className="secondary" data-testid="train.tune.off" onClick={stopTuning}>
              don’t tune
            </button>
          </span>
        )}
      </div>
      {step && p && (
        <p className="note" data-testid="train.tune.progress" data-trial={step.trial} data-trials={step.trials}>
          tuning {p.model.split(' ')[0]}: trial {step.trial} of {step.trials}
          {p.epochs > 0 ? `, epoch ${p.epoch} of at most ${p.epochs}` : ''} · best so far:{' '}
          <span data-testid="train.tune.best">
            {step.best
              ? `trial ${step.best.trial} (validation NLL ${step.best.validNll.toFixed(3)}; ${formatSettings(step.best.settings)})`
              : 'none yet'}
          </span>
        </p>
      )}
      {chosen.length > 0 && (
        <table className="tune-chosen" data-testid="train.tune.chosen">
          <thead>
            <tr>
              <th>model</th>
              <th>chosen settings</th>
              <th>trial</th>
              <th>validation NLL</th>
              <th>trials run</th>
              <th>search</th>
            </tr>
          </thead>
          <tbody>
            {chosen.map((c) => (
              <tr key={c.model} data-model={c.model}>
                <td>{c.model}</td>
                <td>{c.best ? formatSettings(c.best) : 'none (no trial finished)'}</td>
                <td>{c.bestTrial ?? '–'}</td>
                <td>{c.bestNll === null ? '–' : c.bestNll.toFixed(3)}</td>
                <td>{c.trials}</td>
                <td>
                  {c.stopped === 'time' ? 'stopped at the time limit' : 'all trials'}, {c.seconds.toFixed(0)} s
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </fieldset>
  );
}
