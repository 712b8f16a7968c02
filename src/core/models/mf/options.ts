/**
 * Edge checks of the MF fit options. A bad option is a caller's programming error (the pipeline validates configs
 * as values before it calls a fit), so these throw a RangeError naming the field and the value.
 */
export function positiveInt(model: string, field: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${model}: ${field} must be a positive integer, got ${v}`);
  return v;
}

export function nonNegative(model: string, field: string, v: number): number {
  if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`${model}: ${field} must be a finite number ≥ 0, got ${v}`);
  return v;
}

export function positive(model: string, field: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${model}: ${field} must be a finite number > 0, got ${v}`);
  return v;
}
