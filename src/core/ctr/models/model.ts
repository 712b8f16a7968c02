import { err, ok, type Result } from '../../util/result';
import type { CtrSplit, ImpressionLog } from '../types';
import { type CtrFitOptions, type CtrNet, fitNet, type NetFitReport, predictNet } from '../train';
import type { TrainOptions } from './options';
import type { CtrDims } from './layers';
import { userProbeBatch } from '../probe';
import { hasGrid } from './grid';
import * as tf from '@tensorflow/tfjs-core';
import type { CtrModelName } from './options';

/** What a model is, for the results table: which heads it has and what its conversion head learned from. */
export interface CtrModelInfo {
  name: CtrModelName;
  kind: 'single-task' | 'multi-task';
  heads: ('ctr' | 'cvr')[];
  /**
   * Impressions the conversion head learned from: 'clicked-only' (a single-task conversion model: trained on clicks,
   * applied to every impression, the sample-selection bias 002 removes), 'all-impressions' (002's loss: click and
   * click-and-conversion over every impression), null without a conversion head.
   */
  conversionSamples: 'clicked-only' | 'all-impressions' | null;
  /** The resolved options it was built with. */
  options: TrainOptions & Record<string, unknown>;
}

/** A MuseNet's learned scenarios over the predicted rows. */
export interface ScenarioReport {
  k: number;
  /** Per row: argmax_c Q(c | x) (eq. 4), for the adjusted Rand index against a world's hidden scenarios. */
  assignment: Int32Array;
  /** Per scenario: rows assigned to it. */
  size: Int32Array;
  /** Per scenario: share of its rows whose target item is in the user's history (I[t ∈ B_u], eq. 9). */
  repeatRate: Float32Array;
  /** Per scenario: mean inferred repeat intention p_r^k over its rows (003 Fig. 5b); NaN without the repeat module. */
  repeatIntention: Float32Array;
}

export interface CtrPrediction {
  rows: Int32Array;
  /** p(click | impression) per row. */
  pCtr: Float32Array;
  /** p(conversion | click, impression) per row, where the model has a conversion head. */
  pCvr?: Float32Array;
  scenarios?: ScenarioReport;
}

export interface CtrFitReport {
  nets: NetFitReport[];
  stopped: NetFitReport['stopped'];
  seconds: number;
}

export interface CtrModel {
  readonly name: CtrModelName;
  readonly info: CtrModelInfo;
  /** Trains on split.train, early-stopping on split.valid (rows of `log`). */
  fit(
    log: ImpressionLog,
    split: Pick<CtrSplit, 'train' | 'valid'>,
    opts: CtrFitOptions,
  ): Promise<Result<CtrFitReport, 'bad-data' | 'no-data'>>;
  predict(log: ImpressionLog, rows: Int32Array): Promise<Result<CtrPrediction, 'bad-data'>>;
  /**
   * pCTR (and pCVR) of every (user of `users`, item of the log) at time `at`, user-major: the numbers `predict` gives
   * on plannerScores.ts's probe log of those users, at a cost per user (grid.ts). Absent where the model cannot split
   * its user side from its item side; callers then predict on the probe log.
   */
  scoreGrid?(
    log: ImpressionLog,
    users: Int32Array,
    at: number,
  ): Promise<Result<Pick<CtrPrediction, 'pCtr' | 'pCvr'>, 'bad-data'>>;
  /** Frees the model's tensors. */
  dispose(): void;
}

/** Table sizes of a log. */
export function ctrDims(log: ImpressionLog): CtrDims {
  let nCategories = log.categoryIds?.length ?? 0;
  if (log.itemCategory) for (const c of log.itemCategory) nCategories = Math.max(nCategories, c + 1);
  let nContexts = log.contextIds?.length ?? 0;
  if (log.context) for (const c of log.context) nContexts = Math.max(nContexts, c + 1);
  return { nUsers: log.nUsers, nItems: log.nItems, nCategories, nContexts };
}

/** One network of a model and the rows it learns from. */
export interface ModelNet {
  role: 'click' | 'conversion' | 'joint';
  net: CtrNet;
  /** 'clicked': the training and validation rows with click = 1 only. */
  rows: 'all' | 'clicked';
}

const clickedRows = (log: ImpressionLog, rows: Int32Array) => rows.filter((i) => log.click[i] === 1);

/**
 * A model made of one network (multi-task, MuseNet) or one per label (single-task: click on every impression,
 * conversion on the clicked ones), fitted in turn by the shared trainer.
 */
export class NetModel implements CtrModel {
  constructor(
    readonly info: CtrModelInfo,
    private readonly dims: CtrDims,
    private readonly nets: ModelNet[],
    private readonly opts: TrainOptions,
    /** Turns a prediction's extra outputs into the scenario report (MuseNet). */
    private readonly summarize?: (p: Awaited<ReturnType<typeof predictNet>>) => ScenarioReport | undefined,
  ) {
    if (nets.every((m) => hasGrid(m.net))) this.scoreGrid = (log, users, at) => this.gridScores(log, users, at);
  }

  readonly scoreGrid?: CtrModel['scoreGrid'];

  get name(): CtrModelName {
    return this.info.name;
  }

  private check(log: ImpressionLog): string | null {
    const d = ctrDims(log);
    for (const k of ['nUsers', 'nItems', 'nCategories', 'nContexts'] as const)
      if (d[k] > this.dims[k]) return `${k}: the log has ${d[k]}, the model was built for ${this.dims[k]}`;
    return null;
  }

  async fit(
    log: ImpressionLog,
    split: Pick<CtrSplit, 'train' | 'valid'>,
    opts: CtrFitOptions,
  ): Promise<Result<CtrFitReport, 'bad-data' | 'no-data'>> {
    const problem = this.check(log);
    if (problem) return err('bad-data', problem);
    if (split.train.length === 0) return err('no-data', 'no training impressions');
    const t0 = Date.now();
    const reports: NetFitReport[] = [];
    for (const m of this.nets) {
      const pick = (r: Int32Array) => (m.rows === 'clicked' ? clickedRows(log, r) : r);
      const train = pick(split.train);
      if (train.length === 0) return err('no-data', `no clicked training impressions for the ${m.role} network`);
      const rep = await fitNet(m.net, m.role, log, train, pick(split.valid), this.opts, {
        ...opts,
        rng: opts.rng.fork(),
      });
      reports.push(rep);
      if (rep.stopped === 'aborted') break;
    }
    const stopped = reports.some((r) => r.stopped === 'aborted')
      ? 'aborted'
      : reports.every((r) => r.stopped === 'early')
        ? 'early'
        : 'done';
    return ok({ nets: reports, stopped, seconds: (Date.now() - t0) / 1000 });
  }

  async predict(log: ImpressionLog, rows: Int32Array): Promise<Result<CtrPrediction, 'bad-data'>> {
    const problem = this.check(log);
    if (problem) return err('bad-data', problem);
    const out: CtrPrediction = { rows: Int32Array.from(rows), pCtr: new Float32Array(rows.length) };
    for (const m of this.nets) {
      const p = await predictNet(m.net, log, rows);
      if (p.pCtr) out.pCtr = p.pCtr;
      if (p.pCvr) out.pCvr = p.pCvr;
      const s = this.summarize?.(p);
      if (s) out.scenarios = s;
    }
    return ok(out);
  }

  /** CtrModel.scoreGrid, where every network of the model scores grids (grid.ts: GridNet). */
  private async gridScores(
    log: ImpressionLog,
    users: Int32Array,
    at: number,
  ): Promise<Result<Pick<CtrPrediction, 'pCtr' | 'pCvr'>, 'bad-data'>> {
    const problem = this.check(log);
    if (problem) return err('bad-data', problem);
    const items = {
      item: Int32Array.from({ length: log.nItems }, (_, i) => i + 1),
      category: Int32Array.from({ length: log.nItems }, (_, i) => (log.itemCategory ? log.itemCategory[i] : -1) + 1),
    };
    const out: Pick<CtrPrediction, 'pCtr' | 'pCvr'> = { pCtr: new Float32Array(users.length * log.nItems) };
    for (const { net } of this.nets) {
      if (!hasGrid(net)) continue;
      const b = userProbeBatch(log, users, at, net.maxLen, net.recentRequests);
      const o = tf.tidy(() => net.grid(b, items) as tf.TensorContainerObject) as ReturnType<typeof net.grid>;
      try {
        if (o.pCtr) out.pCtr = (await o.pCtr.data()) as Float32Array;
        if (o.pCvr) out.pCvr = (await o.pCvr.data()) as Float32Array;
      } finally {
        tf.dispose(o as tf.TensorContainer);
      }
    }
    return ok(out);
  }

  dispose(): void {
    for (const m of this.nets) for (const v of m.net.params.values()) v.dispose();
  }
}
