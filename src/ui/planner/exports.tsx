/** The planner's exports (v of a model, the curves as CSV) and the import of a reference results file's points. */
import { useState, type ChangeEvent } from 'react';
import { clearOverlay, importRimeResults, plannerCurvesCsv, plannerVCsv, usePlanner } from '../../state/planner';
import { downloadText } from '../download';

export function Exports() {
  const models = usePlanner((s) => s.input?.models ?? null);
  const view = usePlanner((s) => s.asked.view);
  const overlay = usePlanner((s) => s.overlay);
  const [problem, setProblem] = useState<string | null>(null);
  const [importProblem, setImportProblem] = useState<string | null>(null);
  const exportV = async (model: string) => {
    const r = await plannerVCsv(model);
    if (r.ok) downloadText(`v_${model.replace(/[^\w-]+/g, '_')}.csv`, r.csv, 'text/csv');
    setProblem(r.ok ? null : r.reason);
  };
  const exportCurves = () => {
    const csv = plannerCurvesCsv();
    if (csv) downloadText(`planner-${view}.csv`, csv, 'text/csv');
    setProblem(csv ? null : 'nothing drawn yet to export');
  };
  const onImport = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.currentTarget.files?.[0];
    e.currentTarget.value = '';
    if (f) setImportProblem(importRimeResults(await f.text(), f.name));
  };
  return (
    <div className="planner-exports">
      <div className="row">
        <button type="button" data-testid="planner.export.csv" onClick={exportCurves}>
          Curves and operating points (CSV)
        </button>
        <span className="muted">Images: the PNG and SVG buttons under each plot.</span>
      </div>
      <div className="row">
        <span>v(y) as CSV:</span>
        {(models ?? []).map((m) => (
          <button key={m} type="button" data-testid={`planner.export.v.${m}`} onClick={() => void exportV(m)}>
            {m}
          </button>
        ))}
        {problem && <span className="error">{problem}</span>}
      </div>
      <div className="row">
        <label className="button">
          Overlay a reference results file (mtch_)…
          <input
            type="file"
            accept=".json,application/json"
            data-testid="planner.import"
            onChange={(e) => void onImport(e)}
          />
        </label>
        {overlay && (
          <>
            <span className="muted" data-testid="planner.overlay">
              {overlay.file}: {overlay.methods.length} methods, lower bounds on the β views, upper bounds on the α view
              {overlay.skipped.length > 0 && ` (${overlay.skipped.length} points left out: ${overlay.skipped[0]}…)`}
            </span>
            <button type="button" onClick={clearOverlay}>
              Remove overlay
            </button>
          </>
        )}
        {importProblem && (
          <span className="error" role="alert" data-testid="planner.import.error">
            {importProblem}
          </span>
        )}
      </div>
    </div>
  );
}
