import { SequenceModel } from './model';
import { Inbox, type FromReplica, type ReplicaPool, type ToReplica } from './parallel';

/**
 * The replica's end of a data-parallel fit (parallel.ts), host-neutral: a thread feeds it the coordinator's messages
 * (`handle`) and carries what it posts back. Builds its model from the `load` message, trains the shards `start`
 * hands it, and takes each step's new weights from the `weights` messages, in order.
 */
export class ReplicaEndpoint {
  private model: SequenceModel | null = null;
  private weights = new Inbox<Float32Array[]>();

  constructor(private readonly post: (msg: FromReplica, transfer: ArrayBuffer[]) => void) {}

  handle(msg: ToReplica): void {
    try {
      if (msg.kind === 'load') {
        this.model?.dispose();
        this.model = null;
        const m = SequenceModel.deserialize(msg.model);
        if (!m.ok) return this.fail(m.reason);
        this.model = m.data;
        this.weights = new Inbox();
        this.post({ kind: 'loaded' }, []);
      } else if (msg.kind === 'weights') {
        this.weights.push(msg.weights);
      } else {
        if (!this.model) return this.fail('start before load');
        this.model
          .trainShard(msg, this.post, () => this.weights.next())
          .then(
            (loss) => this.post({ kind: 'done', loss }, []),
            (e: unknown) => this.fail(e instanceof Error ? e.message : String(e)),
          );
      }
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
    }
  }

  dispose(): void {
    this.model?.dispose();
    this.model = null;
  }

  private fail(message: string): void {
    this.post({ kind: 'error', message }, []);
  }
}

/**
 * Replicas in this thread, interleaved at their awaits: the whole protocol without threads, for tests (a host that
 * has threads puts one ReplicaEndpoint in each: src/cli/replicaPool.ts). Messages cross as references, not copies, so
 * neither side may change an array after sending it (neither does).
 */
export function localReplicaPool(size: number): ReplicaPool {
  const inboxes = Array.from({ length: size }, () => new Inbox<FromReplica>());
  const endpoints = inboxes.map((inbox) => new ReplicaEndpoint((m) => inbox.push(m)));
  return {
    size,
    // Delivered asynchronously (a microtask later), as a message from another thread would be.
    send: (r, msg) => void Promise.resolve().then(() => endpoints[r].handle(msg)),
    next: (r) => inboxes[r].next(),
    close: async () => endpoints.forEach((e) => e.dispose()),
  };
}
