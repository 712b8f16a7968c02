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
  }
  return null;
}

const sameArray = (a: ArrayLike<number> | null, b: ArrayLike<number> | null): boolean => {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** Models of `next` whose test and validation scores, and the targets, equal those of `prev` (by value). */
export function unchangedModels(prev: PlannerInput | null, next: PlannerInput): Set<string> {
  const same = new Set<string>();
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
    if (
      old &&
      old.testRows === m.testRows &&
      old.validRows === m.validRows &&
      sameArray(old.test, m.test) &&
      sameArray(old.valid, m.valid)
    )
      same.add(m.model);
  }
  return same;
}
