import { err, ok, type Result } from '../../util/result';

/**
 * One serialisable configuration of a next-item sequence model p(y|x) (paper eq. 1). Defaults follow rime's RNN
 * (rime/models/rnn.py): 2 layers × 128 hidden, Adagrad lr 0.1, batch 64 users, last 256 events, TBPTT 32,
 * 80/20 random user split for validation; unlike rime, training runs until the validation loss stops improving, the
 * batch shrinks on logs with few users (so an epoch has enough steps to learn more than popularity), and p(y|x) is
 * mixed with the user's own history and item popularity (mixture.ts).
 */
export interface SeqConfig {
  kind: 'gru' | 'transformer';
  /** Hidden size = item embedding size (tied encoder/decoder). */
  hidden: number;
  layers: number;
  /** Attention heads (Transformer only); hidden must be a multiple. */
  heads: number;
  /** Feed-forward width of a Transformer block. */
  ffn: number;
  /** Only the last maxLen events of each user are used (rime's truncated_input_steps). */
  maxLen: number;
  /** Truncated back-propagation window in steps (GRU: hidden state carried, gradient cut; Transformer: loss chunk). */
  bptt: number;
  /** Users per batch at most. */
  batchSize: number;
  /**
   * Batches per epoch at least: the batch shrinks (to 8 users at least) when the training users would fill fewer.
   * rime's 64 users per batch make ~75 steps an epoch on ML-1M but ~15 on a log of 1,000 users, where a few epochs
   * then leave the model at item popularity. Not more: on WASM an epoch's time grows with its batches (each runs
   * every time step), while its gain does not.
   */
  minBatches: number;
  lr: number;
  /**
   * Adagrad steps over which the rate ramps linearly from lr/warmup up to lr (0: none). Adagrad's first step moves
   * every weight by ±lr whatever its gradient (its accumulator starts at 0, as torch's); at rime's 0.1 that is the
   * size of the weights themselves (embeddings ±0.1), so the first steps throw the model off the item-popularity prior
   * it starts from (the decoder bias), and the accumulator, filled by the large gradients of the climb back, then
   * keeps every later step small. With the ramp no step is larger than about lr/√warmup (a fifth of the embeddings'
   * scale at 0.1 and 32 steps), and after it the rate is lr as before.
   */
  warmup: number;
  /** Epochs at most; training stops earlier once the validation loss stops improving (see patience). */
  epochs: number;
  /** Fraction of users held out for validation (rime: 1/5). */
  validFraction: number;
  /** Epochs without a validation improvement before lr is divided by 10; twice that stops the fit. */
  patience: number;
  /** Dropout rate on the encoder's input embeddings and on its output states, in training only (0: none). */
  dropout: number;
  /** L2 weight decay added to every gradient (torch.optim.Adagrad's weight_decay), per unit weight. */
  weightDecay: number;
  /** Fit the repeat/explore/popularity mixture on the validation users after training (mixture.ts). */
  mixture: boolean;
}

/** Fields added after models were first stored: a stored config from an older build lacks them (resolve fills them). */
type LaterFields = 'minBatches' | 'dropout' | 'weightDecay' | 'mixture' | 'warmup';
export type StoredSeqConfig = Omit<SeqConfig, LaterFields> & Partial<Pick<SeqConfig, LaterFields>>;

export const DEFAULT_SEQ_CONFIG: Omit<SeqConfig, 'kind'> = {
  hidden: 128,
  layers: 2,
  heads: 2,
  ffn: 256,
  maxLen: 256,
  bptt: 32,
  batchSize: 64,
  minBatches: 32,
  lr: 0.1,
  warmup: 8,
  epochs: 50,
  validFraction: 0.2,
  patience: 1,
  dropout: 0,
  weightDecay: 0,
  mixture: true,
};

/** What the Transformer changes of those defaults: rime's Transformer trains with a quarter of the RNN's rate
 * (rime/models/transformer.py: lr = 0.1 / 4); at 0.1 its first epoch on ml-latest-small diverged (bench quality). */
export const TRANSFORMER_DEFAULTS: Partial<SeqConfig> = { lr: 0.025 };

/** Fills defaults and checks every field; messages name the bad field and value. */
export function resolveSeqConfig(c: Partial<SeqConfig> & { kind: SeqConfig['kind'] }): Result<SeqConfig, 'bad-config'> {
  const r: SeqConfig = { ...DEFAULT_SEQ_CONFIG, ...(c.kind === 'transformer' ? TRANSFORMER_DEFAULTS : {}), ...c };
  if (r.kind !== 'gru' && r.kind !== 'transformer')
    return err('bad-config', `kind: expected 'gru' or 'transformer', got ${String(r.kind)}`);
  const ints: (keyof SeqConfig)[] = [
    'hidden',
    'layers',
    'heads',
    'ffn',
    'maxLen',
    'bptt',
    'batchSize',
    'minBatches',
    'epochs',
  ];
  for (const k of ints) {
    const v = r[k] as number;
    if (!Number.isInteger(v) || v < 1) return err('bad-config', `${k}: expected a positive integer, got ${v}`);
  }
  if (r.patience < 0 || !Number.isInteger(r.patience))
    return err('bad-config', `patience: expected an integer ≥ 0, got ${r.patience}`);
  if (!(r.lr > 0)) return err('bad-config', `lr: expected > 0, got ${r.lr}`);
  if (!(Number.isInteger(r.warmup) && r.warmup >= 0))
    return err('bad-config', `warmup: expected an integer ≥ 0, got ${r.warmup}`);
  if (!(r.dropout >= 0 && r.dropout < 1)) return err('bad-config', `dropout: expected in [0, 1), got ${r.dropout}`);
  if (!(r.weightDecay >= 0 && Number.isFinite(r.weightDecay)))
    return err('bad-config', `weightDecay: expected a number ≥ 0, got ${r.weightDecay}`);
  if (typeof r.mixture !== 'boolean') return err('bad-config', `mixture: expected true or false, got ${r.mixture}`);
  if (!(r.validFraction >= 0 && r.validFraction < 1))
    return err('bad-config', `validFraction: expected in [0, 1), got ${r.validFraction}`);
  if (r.kind === 'transformer' && r.hidden % r.heads !== 0)
    return err('bad-config', `heads: hidden ${r.hidden} is not a multiple of ${r.heads}`);
  return ok(r);
}
