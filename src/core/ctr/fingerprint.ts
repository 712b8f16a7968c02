/**
 * The fingerprint of a click-and-conversion run: what its results depend on (the impression log, the split it makes
 * and the run config, seed included), so that a saved run is shown again only for the same data, split and config.
 * The hash is core/pipeline/fingerprint's FNV-1a 64 (not cryptographic: it tells a changed input from an unchanged one).
 */
import { Fnv1a64, stableJson } from '../pipeline/fingerprint';
import type { CtrRunConfig } from './runConfig';
import type { CtrSplit, ImpressionLog } from './types';

/**
 * `ctr:HASH` over the log's rows (users, items, times, labels, context, item categories), the split's rows and
 * boundaries, and the config; each part tagged with its name and length so that bytes moved between parts change it.
 */
export function ctrRunFingerprint(log: ImpressionLog, split: CtrSplit, config: CtrRunConfig): string {
  const h = new Fnv1a64();
  const part = (tag: string, v: ArrayBufferView | undefined) => {
    h.text(`|${tag}:${v ? v.byteLength : -1}|`);
    if (v) h.view(v);
  };
  part('user', log.user);
  part('item', log.item);
  part('time', log.time);
  part('click', log.click);
  part('conversion', log.conversion);
  part('context', log.context);
  part('itemCategory', log.itemCategory);
  part('train', split.train);
  part('valid', split.valid);
  part('test', split.test);
  const meta = stableJson({
    nUsers: log.nUsers,
    nItems: log.nItems,
    split: { protocol: split.protocol, validStart: split.validStart, testStart: split.testStart },
    config,
  });
  h.text(`|meta:${meta.length}|`).text(meta);
  return `ctr:${h.hex()}`;
}
