// The reference RNN on our MovieLens user splits: rime's GRU as published, trained in PyTorch (bench/torch_itemrec.py)
// with its learning rate tuned over a grid, against Pop on ItemRec and, composed with our HP's λ, against HP on UserRec.
// An independent check of the quality section's MovieLens orderings: the same split (makeSplit, exported as typed
// arrays) and the same HP fit, another implementation of the sequence model and of the metrics.
// Env: QUALITY_ML_SEEDS (user-split seeds, default "0,1,2"), TORCH_ITEMREC_EPOCHS (at most, default 5: rime's
// max_epochs), TORCH_ITEMREC_SEED (PyTorch's seed, default 0), TORCH_ITEMREC_LRS (the learning-rate grid, default
// "0.02,0.05,0.1,0.2": inside the Tune action's range).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, table, type Bench } from './lib';
import { loadDataset } from '../src/cli/commands/run';
import { makeSplit } from '../src/core/data/split';
import type { Csr, EvalSet } from '../src/core/data/types';
import { evaluateUserRec, onePercent } from '../src/core/metrics/evaluate';
import { trainItemCounts } from '../src/core/models/intensity/history';
import { denseScores } from '../src/core/models/scores';
import { defaultRegistry } from '../src/core/pipeline/defaultRegistry';

const outDir = join(ROOT, 'bench', '.out', 'itemrec-torch');

interface TorchRun {
  lr: number;
  epochs: number;
  validLoss: number[];
  bestValidLoss: number;
  itemRec: number;
  /** UserRec recall of p_torch(y|x) alone and of λ_HP × p_torch(y|x). */
  userRecP: number;
  userRecHpP: number;
}

interface TorchItemRec {
  pop: number;
  /** UserRec recall of HP (λ_HP × item popularity), computed in Python. */
  userRecHp: number;
  C: number;
  runs: TorchRun[];
  chosenLr: number;
}

const script = join(ROOT, 'bench', 'torch_itemrec.py');

function exportSplit(dir: string, arrays: Record<string, ArrayBufferView>, meta: object): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, a] of Object.entries(arrays))
    writeFileSync(join(dir, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
}

/** The Python UserRec recall of a rows × cols score matrix against `target`, C rows per column. */
function pythonUserRec(
  dir: string,
  scores: Float32Array,
  target: Csr,
  nRows: number,
  nCols: number,
  C: number,
): number {
  exportSplit(
    dir,
    { 'scores.f32': scores, 'tIndptr.i32': target.indptr, 'tIndices.i32': target.indices, 'tData.f32': target.data },
    { nRows, nCols, C },
  );
  const r = spawnSync('/usr/bin/python3', [script, '--userrec', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`torch_itemrec.py --userrec failed: ${r.stderr}`);
  return (JSON.parse(r.stdout.trim()) as { recall: number }).recall;
}

/**
 * Both UserRec implementations on a hand case before any fit: 4 rows × 3 items, C = 2, ties on item 1 going to the
 * lower rows. Item 0 picks rows 0, 1 (targets 2 at row 0, 1 at row 2: recall 2/3), item 1 picks rows 0, 1 (one target
 * at row 3: 0), item 2 picks rows 3, 2 (targets 1 at row 2, 1 at row 1: 1/2); mean (2/3 + 0 + 1/2) / 3 = 7/18.
 */
function checkUserRecByHand(): void {
  const scores = Float32Array.from([0.9, 0.5, 0.1, 0.8, 0.5, 0.2, 0.3, 0.5, 0.6, 0.1, 0.4, 0.7]);
  const target: Csr = {
    nRows: 4,
    nCols: 3,
    indptr: Int32Array.from([0, 1, 2, 4, 5]),
    indices: Int32Array.from([0, 2, 0, 2, 1]),
    data: Float32Array.from([2, 1, 1, 1, 1]),
  };
  const rows: EvalSet = {
    users: Int32Array.from([0, 1, 2, 3]),
    testStart: new Float64Array(4),
    histEnd: new Int32Array(4),
    horizon: 1,
    target,
    excludeTrain: false,
  };
  const ts = evaluateUserRec(denseScores(4, 3, scores), rows, { topC: 2 }).recall;
  const py = pythonUserRec(join(outDir, 'userrec-check'), scores, target, 4, 3, 2);
  if (Math.abs(ts - 7 / 18) > 1e-12 || Math.abs(py - 7 / 18) > 1e-12)
    throw new Error(`UserRec hand case: TS ${ts}, Python ${py}, expected 7/18`);
}

const bench: Bench = {
  name: 'itemrec-torch',
  title:
    'ItemRec on MovieLens latest-small: the reference GRU in PyTorch against Pop (a cross-check of the sequence model)',
  async run() {
    checkUserRecByHand();
    const file = join(ROOT, '..', 'shared', 'data', 'ml-latest-small', 'ratings.csv');
    const ds = await loadDataset(file);
    if (!ds.ok) throw new Error(ds.reason);
    const d = ds.data;
    const seeds = (process.env.QUALITY_ML_SEEDS ?? '0,1,2').split(',').map(Number);
    const epochs = process.env.TORCH_ITEMREC_EPOCHS ?? '5';
    const torchSeed = process.env.TORCH_ITEMREC_SEED ?? '0';
    const lrs = process.env.TORCH_ITEMREC_LRS ?? '0.02,0.05,0.1,0.2';
    const rows: (string | number)[][] = [];
    for (const seed of seeds) {
      const sp = makeSplit(d, { kind: 'user', seed });
      if (!sp.ok) throw new Error(sp.reason);
      const s = sp.data;
      const test = s.test;
      // The Python metrics score every item of a row: right only while the split masks no history items.
      if (test.excludeTrain) throw new Error('itemrec-torch: the split excludes history items; the script does not');
      // HP as the quality section fits it on this split (the default registry, run seed 1), its λ for the test rows.
      const session = defaultRegistry().session({
        dataset: d,
        split: s,
        config: { split: { kind: 'user', seed }, models: [], seed: 1 },
      });
      const hp = await session.intensity('HP');
      if (!hp.ok) throw new Error(hp.reason);
      const lam = Float64Array.from(hp.data.model.predict(test));
      await session.dispose();
      // HP's UserRec here, as the quality section's diagnosis forms it: λ × training popularity in float32.
      const n = test.users.length;
      const m = d.nItems;
      const counts = trainItemCounts(d, s.trainEnd);
      let total = 0;
      for (const c of counts) total += c;
      const popP = Float32Array.from(counts, (c) => c / total);
      const hpScores = new Float32Array(n * m);
      for (let r = 0; r < n; r++) for (let c = 0; c < m; c++) hpScores[r * m + c] = lam[r] * popP[c];
      const C = onePercent(n);
      const hpTs = evaluateUserRec(denseScores(n, m, hpScores), test, { topC: C }).recall;
      const dir = join(outDir, `split${seed}`);
      exportSplit(
        dir,
        {
          'item.i32': d.item,
          'userOffsets.i32': d.userOffsets,
          'trainEnd.i32': s.trainEnd,
          'testUsers.i32': test.users,
          'testHistEnd.i32': test.histEnd,
          'tIndptr.i32': test.target.indptr,
          'tIndices.i32': test.target.indices,
          'tData.f32': test.target.data,
          'hpLambda.f64': lam,
        },
        { nUsers: d.nUsers, nItems: d.nItems },
      );
      const t0 = Date.now();
      const r = spawnSync('/usr/bin/python3', [script, dir, epochs, torchSeed, lrs], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      if (r.status !== 0) throw new Error(`torch_itemrec.py failed (status ${r.status})`);
      const res = JSON.parse(r.stdout.trim().split('\n').pop() as string) as TorchItemRec;
      const seconds = (Date.now() - t0) / 1000;
      console.log(`split ${seed}: ${JSON.stringify(res)} in ${seconds.toFixed(0)} s; HP UserRec in TS ${hpTs}`);
      // The same HP scores through both UserRec implementations.
      if (res.C !== C || Math.abs(res.userRecHp - hpTs) > 1e-9)
        throw new Error(`HP UserRec: Python ${res.userRecHp} (C = ${res.C}), TS ${hpTs} (C = ${C})`);
      for (const run of res.runs)
        rows.push([
          String(seed),
          `${n} (C = ${C})`,
          run.lr === res.chosenLr ? `**${run.lr}**` : String(run.lr),
          `${run.epochs} (best ${run.validLoss.indexOf(Math.min(...run.validLoss)) + 1})`,
          run.validLoss.map((v) => v.toFixed(3)).join(', '),
          run.itemRec.toFixed(4),
          res.pop.toFixed(4),
          (run.itemRec / res.pop).toFixed(2),
          run.userRecP.toFixed(4),
          res.userRecHp.toFixed(4),
          run.userRecHpP.toFixed(4),
        ]);
      rows.push([String(seed), '', '', '', '', '', '', '', '', '', `${seconds.toFixed(0)} s for the grid`]);
    }
    return [
      `ml-latest-small/ratings.csv, the user split of the quality section (makeSplit, seeds ${seeds.join(', ')}), exported as typed`,
      `arrays to bench/torch_itemrec.py: rime's RNN as published (PyTorch GRU 2 × 128, tied decoder, word-language-model`,
      `initialisation with the decoder bias at 0, no dropout, Adagrad, batch 64, last 256 events, TBPTT 32, 20% of users`,
      `for validation, early stopping with patience 3, at most ${epochs} epochs, best epoch kept; torch seed ${torchSeed}, 2 threads),`,
      `at each learning rate of the grid ${lrs} (inside the Tune action's lr range [0.01, 0.3]); the one with the lowest`,
      'best-epoch validation loss is in bold (the tuned model). ItemRec recall at K = ceil(1% of items) and UserRec recall',
      'at C = ceil(1% of test users) as src/core/metrics/evaluate.ts, reimplemented in Python (checked against the TS',
      'metric on a hand case and on HP’s scores of each split); Pop ranks items by training events; HP is λ_HP × item',
      'popularity with λ_HP from our HP fit on the split (as in the quality section), HP × p is λ_HP × the GRU’s softmax.',
      '',
      table(
        [
          'user split',
          'test users',
          'lr',
          'epochs',
          'validation loss per epoch',
          'GRU ItemRec',
          'Pop ItemRec',
          'GRU / Pop',
          'UserRec p alone',
          'UserRec HP',
          'UserRec HP × p',
        ],
        rows,
      ),
    ].join('\n');
  },
};

export default bench;
