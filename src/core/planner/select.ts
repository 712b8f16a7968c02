/**
 * Selection helpers for the planner: the ε → 0 limits of eq. 14 are TopK thresholds and quantiles, found here by
 * quickselect (expected O(n), no full sort).
 */

/**
 * The k-th largest value (1-based k, 1 ≤ k ≤ n) of a[0..n). Reorders a[0..n) (Hoare partition around a
 * median-of-three pivot, descending). Values must not be NaN.
 */
export function kthLargest(a: Float64Array, n: number, k: number): number {
  if (!(k >= 1 && k <= n)) throw new RangeError(`kthLargest: k = ${k} outside [1, ${n}]`);
  const target = k - 1;
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const x = a[lo];
    const y = a[(lo + hi) >> 1];
    const z = a[hi];
    const pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] > pivot) i++;
      while (a[j] < pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    // Now a[lo..j] ≥ pivot, a[i..hi] ≤ pivot and everything strictly between j and i equals the pivot.
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return pivot;
  }
  return a[target];
}

/**
 * Indices of the k best entries of key[0..n) among those with key > floor (equal keys at the threshold go to the
 * lower index), written to out in ascending index order; returns how many. `scratch` holds ≥ n numbers.
 */
export function topKIndices(
  key: Float64Array,
  n: number,
  k: number,
  floor: number,
  scratch: Float64Array,
  out: Int32Array,
): number {
  let m = 0;
  for (let i = 0; i < n; i++) if (key[i] > floor) scratch[m++] = key[i];
  if (m === 0 || k <= 0) return 0;
  const kk = Math.min(k, m);
  const t = kthLargest(scratch, m, kk);
  // Strictly above the threshold all go in; ties at the threshold fill the rest by ascending index.
  let c = 0;
  let above = 0;
  for (let i = 0; i < n; i++) if (key[i] > floor && key[i] > t) above++;
  let tiesLeft = kk - above;
  for (let i = 0; i < n; i++) {
    const v = key[i];
    if (!(v > floor)) continue;
    if (v > t) out[c++] = i;
    else if (v === t && tiesLeft > 0) {
      out[c++] = i;
      tiesLeft--;
    }
  }
  return c;
}
