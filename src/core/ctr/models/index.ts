import { err, ok, type Result } from '../../util/result';
import { rngFor } from '../../util/rng';
import type { CtrDims } from './layers';
import { createDeepFmNet } from './deepfm';
import { createDinNet } from './din';
import { createLrNet } from './lr';
import type { Label } from './layers';
import { type CtrModel, type CtrModelInfo, NetModel } from './model';
import { createMmoeNet } from './mmoe';
import { createMtRnnNet } from './mtrnn';
import { createMuseNet, scenarioReport } from './musenet';
import { type CtrModelName, type CtrOptionsByName, type MuseNetOptions, resolveCtrOptions } from './options';
import type { CtrNet } from '../train';

export { ctrDims, type CtrModel, type CtrModelInfo, type CtrPrediction, type CtrFitReport } from './model';
export type { ScenarioReport } from './model';
export type { CtrDims } from './layers';
export * from './options';

/**
 * Builds a click-and-conversion model by its result key. Options are checked at this edge (messages name the bad
 * field); dims are the table sizes of the log it will see (ctrDims(log)); the seed fixes the initial weights (each
 * network draws from its own stream, rngFor(seed, name/role)).
 */
export function createCtrModel<N extends CtrModelName>(
  name: N,
  dims: CtrDims,
  options: Partial<CtrOptionsByName[N]> = {},
  seed = 0,
): Result<CtrModel, 'bad-config'> {
  const o = resolveCtrOptions(name, options);
  if (!o.ok) return o;
  for (const k of ['nUsers', 'nItems'] as const)
    if (!Number.isInteger(dims[k]) || dims[k] < 1)
      return err('bad-config', `dims.${k}: expected a positive integer, got ${dims[k]}`);
  for (const k of ['nCategories', 'nContexts'] as const)
    if (!Number.isInteger(dims[k]) || dims[k] < 0)
      return err('bad-config', `dims.${k}: expected an integer ≥ 0, got ${dims[k]}`);
  const opts = o.data;
  const rng = (role: string) => rngFor(seed, `${name}/${role}`);
  const info = (kind: CtrModelInfo['kind'], heads: CtrModelInfo['heads'], samples: CtrModelInfo['conversionSamples']) =>
    ({ name, kind, heads, conversionSamples: samples, options: { ...opts } }) as CtrModelInfo;
  /** A single-task model: one network per label, the conversion one on clicked impressions only. */
  const singleTask = (make: (label: Label) => CtrNet): CtrModel =>
    new NetModel(
      info('single-task', ['ctr', 'cvr'], 'clicked-only'),
      dims,
      [
        { role: 'click', net: make('click'), rows: 'all' },
        { role: 'conversion', net: make('conversion'), rows: 'clicked' },
      ],
      opts,
    );
  /** A multi-task model: one network, both heads, 002's loss over every impression. */
  const multiTask = (net: CtrNet): CtrModel =>
    new NetModel(
      info('multi-task', ['ctr', 'cvr'], 'all-impressions'),
      dims,
      [{ role: 'joint', net, rows: 'all' }],
      opts,
    );
  const c = opts as CtrOptionsByName[CtrModelName];
  switch (name as CtrModelName) {
    case 'LR':
      return ok(singleTask((label) => createLrNet(dims, label, rng(label))));
    case 'DeepFM':
      return ok(singleTask((label) => createDeepFmNet(dims, c as CtrOptionsByName['DeepFM'], label, rng(label))));
    case 'DIN':
      return ok(singleTask((label) => createDinNet(dims, c as CtrOptionsByName['DIN'], label, rng(label))));
    case 'MMoE':
      return ok(multiTask(createMmoeNet(dims, c as CtrOptionsByName['MMoE'], rng('joint'))));
    case 'MT-RNN': {
      const m = c as CtrOptionsByName['MT-RNN'];
      // The same draws as the multi-task model: click-only differs from it by the loss alone.
      const net = createMtRnnNet(dims, m, rng('joint'));
      if (m.tasks === 'click-and-conversion') return ok(multiTask(net));
      return ok(new NetModel(info('single-task', ['ctr'], null), dims, [{ role: 'click', net, rows: 'all' }], opts));
    }
    default: {
      const m = c as MuseNetOptions;
      return ok(
        new NetModel(
          info('single-task', ['ctr'], null),
          dims,
          [{ role: 'click', net: createMuseNet(dims, m, rng('click')), rows: 'all' }],
          opts,
          (p) => scenarioReport(p, m.scenarios),
        ),
      );
    }
  }
}
