import highsLoader from 'highs';

/** Exact LP optimum of eq. 9 in counts: max Σλπ, Σ_y π ≤ K, lo ≤ Σ_x π ≤ hi, 0 ≤ π ≤ 1 (HiGHS, independent of us). */
export async function lpOptimum(
  lam: Float32Array,
  n: number,
  m: number,
  K: number,
  lo: number,
  hi: number,
): Promise<number> {
  const highs = await highsLoader();
  const v = (x: number, y: number): string => `p${x}_${y}`;
  const obj: string[] = [];
  for (let x = 0; x < n; x++) for (let y = 0; y < m; y++) obj.push(`${lam[x * m + y].toFixed(9)} ${v(x, y)}`);
  const cons: string[] = [];
  for (let x = 0; x < n; x++) cons.push(` r${x}: ${Array.from({ length: m }, (_, y) => v(x, y)).join(' + ')} <= ${K}`);
  for (let y = 0; y < m; y++) {
    const col = Array.from({ length: n }, (_, x) => v(x, y)).join(' + ');
    if (lo > 0) cons.push(` lo${y}: ${col} >= ${lo}`);
    if (hi < Infinity) cons.push(` hi${y}: ${col} <= ${hi}`);
  }
  const bounds: string[] = [];
  for (let x = 0; x < n; x++) for (let y = 0; y < m; y++) bounds.push(` 0 <= ${v(x, y)} <= 1`);
  const lp = `Maximize\n obj: ${obj.join(' + ')}\nSubject To\n${cons.join('\n')}\nBounds\n${bounds.join('\n')}\nEnd\n`;
  const r = highs.solve(lp, { output_flag: false });
  if (r.Status !== 'Optimal') throw new Error(`LP: ${r.Status}`);
  return r.ObjectiveValue;
}
