// The reference RNN on our MovieLens user splits: rime's GRU as published, trained in PyTorch (bench/torch_itemrec.py),
// against Pop on ItemRec. An independent check of the quality section's MovieLens ItemRec ordering: the same split
// (makeSplit, exported as typed arrays), another implementation of the model and of the metric.
// Env: QUALITY_ML_SEEDS (user-split seeds, default "0,1,2"), TORCH_ITEMREC_EPOCHS (at most, default 5: rime's
// max_epochs), TORCH_ITEMREC_SEED (PyTorch's seed, default 0).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, table, type Bench } from './lib';
import { loadDataset } from '../src/cli/commands/run';
import { makeSplit } from '../src/core/data/split';

const outDir = join(ROOT, 'bench', '.out', 'itemrec-torch');

interface TorchItemRec {
  rnn: number;
  pop: number;
  epochs: number;
  validLoss: number[];
  bestValidLoss: number;
}

function exportSplit(dir: string, arrays: Record<string, ArrayBufferView>, meta: object): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, a] of Object.entries(arrays))
    writeFileSync(join(dir, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
}

const bench: Bench = {
  name: 'itemrec-torch',
  title:
    'ItemRec on MovieLens latest-small: the reference GRU in PyTorch against Pop (a cross-check of the sequence model)',
  async run() {
    const file = join(ROOT, '..', 'shared', 'data', 'ml-latest-small', 'ratings.csv');
    const ds = await loadDataset(file);
    if (!ds.ok) throw new Error(ds.reason);
    const d = ds.data;
    const seeds = (process.env.QUALITY_ML_SEEDS ?? '0,1,2').split(',').map(Number);
    const epochs = process.env.TORCH_ITEMREC_EPOCHS ?? '5';
    const torchSeed = process.env.TORCH_ITEMREC_SEED ?? '0';
    const rows: (string | number)[][] = [];
    for (const seed of seeds) {
      const sp = makeSplit(d, { kind: 'user', seed });
      if (!sp.ok) throw new Error(sp.reason);
      const s = sp.data;
      const dir = join(outDir, `split${seed}`);
      exportSplit(
        dir,
        {
          'item.i32': d.item,
          'userOffsets.i32': d.userOffsets,
          'trainEnd.i32': s.trainEnd,
          'testUsers.i32': s.test.users,
          'testHistEnd.i32': s.test.histEnd,
          'tIndptr.i32': s.test.target.indptr,
          'tIndices.i32': s.test.target.indices,
          'tData.f32': s.test.target.data,
        },
        { nUsers: d.nUsers, nItems: d.nItems },
      );
      const t0 = Date.now();
      const r = spawnSync('/usr/bin/python3', [join(ROOT, 'bench', 'torch_itemrec.py'), dir, epochs, torchSeed], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      if (r.status !== 0) throw new Error(`torch_itemrec.py failed: ${r.stderr}`);
      const res = JSON.parse(r.stdout.trim().split('\n').pop() as string) as TorchItemRec;
      const seconds = (Date.now() - t0) / 1000;
      console.log(`split ${seed}: ${JSON.stringify(res)} in ${seconds.toFixed(0)} s`);
      rows.push([
        String(seed),
        String(s.stats.testUsers),
        res.rnn.toFixed(4),
        res.pop.toFixed(4),
        (res.rnn / res.pop).toFixed(2),
        String(res.epochs),
        res.validLoss.map((v) => v.toFixed(3)).join(', '),
        seconds.toFixed(0),
      ]);
    }
    return [
      `ml-latest-small/ratings.csv, the user split of the quality section (makeSplit, seeds ${seeds.join(', ')}), exported as typed`,
      `arrays to bench/torch_itemrec.py: rime's RNN as published (PyTorch GRU 2 × 128, tied decoder, word-language-model`,
      `initialisation with the decoder bias at 0, no dropout, Adagrad 0.1, batch 64, last 256 events, TBPTT 32, 20% of users`,
      `for validation, early stopping with patience 3, at most ${epochs} epochs, best epoch kept; torch seed ${torchSeed}, 2 threads).`,
      'ItemRec recall at K = ceil(1% of items) as src/core/metrics/evaluate.ts; Pop ranks items by training events.',
      '',
      table(
        [
          'user split',
          'test users',
          'PyTorch GRU ItemRec recall',
          'Pop ItemRec recall',
          'GRU / Pop',
          'epochs',
          'validation loss per epoch',
          's',
        ],
        rows,
      ),
    ].join('\n');
  },
};

export default bench;
