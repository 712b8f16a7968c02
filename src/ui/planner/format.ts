/** A fraction as a percentage with `digits` decimals. */
export const pct = (x: number, digits = 2) => `${(100 * x).toFixed(digits)}%`;
