/** A stable descending order of scores, for walks that take pairs best first. */

/** Positions 0..n−1 of `scores` by descending score, equal scores in position order: a stable LSD radix sort. */
export function sortDescendingStable(scores: Float32Array): Int32Array {
  const n = scores.length;
  const bits = new Uint32Array(scores.buffer, scores.byteOffset, n);
  let keys = new Uint32Array(n);
  let keys2 = new Uint32Array(n);
  let idx = new Int32Array(n);
  let idx2 = new Int32Array(n);
  for (let q = 0; q < n; q++) {
    const b = bits[q];
    // Ascending key order = descending float order (sign-magnitude to two's-order, then inverted).
    keys[q] = ~(b & 0x80000000 ? ~b : b | 0x80000000) >>> 0;
    idx[q] = q;
  }
  const count = new Uint32Array(1 << 11);
  for (let shift = 0; shift < 32; shift += 11) {
    count.fill(0);
    for (let q = 0; q < n; q++) count[(keys[q] >>> shift) & 0x7ff]++;
    let sum = 0;
    for (let d = 0; d < count.length; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let q = 0; q < n; q++) {
      const d = (keys[q] >>> shift) & 0x7ff;
      const to = count[d]++;
      keys2[to] = keys[q];
      idx2[to] = idx[q];
    }
    [keys, keys2] = [keys2, keys];
    [idx, idx2] = [idx2, idx];
  }
  return idx;
}
