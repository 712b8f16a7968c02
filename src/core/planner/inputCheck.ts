/**
 * What a planner session (session.ts) checks of an input before adopting it: the shapes of every model against the
 * targets and the ids, and which models' scores are unchanged from the input it held (their solutions stay valid).
 */
import type { PlannerInput } from './types';

/** Checks an input before adopting it: shapes of every model against the targets and the ids. */
export function checkInput(input: PlannerInput): string | null {
  if (input.models.length === 0) return 'no models';
  const { nRows, nCols } = input.target;
  if (input.itemIds.length !== nCols) return `itemIds has ${input.itemIds.length} ids for ${nCols} items`;
  for (const m of input.models) {
    if (m.nItems !== nCols || m.testRows !== nRows)
      return `${m.model}: scores ${m.testRows}×${m.nItems}, targets ${nRows}×${nCols}`;
    if (m.test.length !== m.testRows * m.nItems)
      return `${m.model}: ${m.test.length} test scores for ${m.testRows}×${m.nItems}`;
    if (m.valid && m.valid.length !== m.validRows * m.nItems)
      return `${m.model}: ${m.valid.length} validation scores for ${m.validRows}×${m.nItems}`;
    if (m.valid && m.validSaved !== undefined) return `${m.model}: validation scores both given and left saved`;
  }
  return null;
}

const sameArray = (a: ArrayLike<number> | null, b: ArrayLike<number> | null): boolean => {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * Models of `next` whose test scores and the targets equal those of `prev` (by value): their greedy and offline
 * solutions stay valid. `online` names those whose validation scores are the same too (the same arrays by value,
 * or the same saved run's record), whose online solutions stay valid as well.
 */
export function unchangedModels(prev: PlannerInput | null, next: PlannerInput): Set<string> & { online: Set<string> } {
  const same = Object.assign(new Set<string>(), { online: new Set<string>() });
  if (!prev) return same;
  const [a, b] = [prev.target, next.target];
  if (
    a.nRows !== b.nRows ||
    a.nCols !== b.nCols ||
    !sameArray(a.indptr, b.indptr) ||
    !sameArray(a.indices, b.indices) ||
    !sameArray(a.data, b.data)
  )
    return same;
  for (const m of next.models) {
    const old = prev.models.find((o) => o.model === m.model);
    if (!old || old.testRows !== m.testRows || !sameArray(old.test, m.test)) continue;
    same.add(m.model);
    const sameValid =
      old.validRows === m.validRows &&
      (old.validSaved !== undefined || m.validSaved !== undefined
        ? old.validSaved === m.validSaved && !old.valid && !m.valid
        : sameArray(old.valid, m.valid));
    if (sameValid) same.online.add(m.model);
  }
  return same;
}
