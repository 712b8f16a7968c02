/** The planner's status line: the scores shown, "updating…", the background fill, errors and worker restarts. */
import { usePlanner } from '../../state/planner';

/** "updating…" while the shown point lags the asked one; always laid out (visibility only) so nothing jumps. */
export function Status() {
  const busy = usePlanner((s) => s.solving || s.sweeping || s.status === 'loading');
  const status = usePlanner((s) => s.status);
  const source = usePlanner((s) => s.input?.source ?? '');
  const rows = usePlanner((s) => s.input?.testRows ?? 0);
  const items = usePlanner((s) => s.input?.nItems ?? 0);
  const error = usePlanner((s) => s.error);
  const restarted = usePlanner((s) => s.restarted);
  return (
    <div className="status-line planner-status">
      <span>
        {status === 'ready'
          ? `Scores: ${source}, ${rows.toLocaleString()} test users × ${items.toLocaleString()} items.`
          : status === 'loading'
            ? 'Preparing scores…'
            : status === 'idle'
              ? 'Train models (section 2) to plan with their scores.'
              : ''}
      </span>
      <span
        className="updating"
        data-testid="planner.updating"
        aria-live="polite"
        style={{ visibility: busy ? 'visible' : 'hidden' }}
      >
        updating…
      </span>
      <Prefetching />
      <PassNote />
      {error && (
        <span className="error" data-testid="planner.error">
          {error}
        </span>
      )}
      {restarted && !error && (
        <span className="warning" role="status" data-testid="planner.restarted">
          {restarted}
        </span>
      )}
    </div>
  );
}

/** A quiet note while the other slider positions are solved in the background (laid out always: no jumps). */
function Prefetching() {
  const on = usePlanner((s) => s.prefetching && !s.sweeping);
  return (
    <span className="muted" data-testid="planner.prefetch" style={{ visibility: on ? 'visible' : 'hidden' }}>
      preparing the other β positions…
    </span>
  );
}

/**
 * Where the offline Dual's last solve with an item constraint ran its passes: the GPU's WebGPU adapter, or the CPU
 * with the reason WebGPU was passed over (in the tooltip); nothing before such a solve.
 */
function PassNote() {
  const pass = usePlanner((s) => s.shown?.pass ?? null);
  if (!pass) return null;
  const text =
    pass.backend === 'webgpu' ? `offline Dual on WebGPU (${pass.adapter ?? 'adapter'})` : 'offline Dual on CPU';
  return (
    <span
      className="pass-note"
      data-testid="planner.pass"
      data-backend={pass.backend}
      title={
        pass.backend === 'webgpu'
          ? 'its passes run as WebGPU compute shaders'
          : `WebGPU passed over: ${pass.reason ?? ''}`
      }
    >
      {text}
    </span>
  );
}
