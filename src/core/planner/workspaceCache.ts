/**
 * The Dual workspaces (dualSteps.ts: transposed copy in a scan kernel's memory, the auction's membership bytes and
 * live assignment) a planner keeps between solves, one per score matrix and at most `limit` of them. The least
 * recently used goes first; its kernel memory is kept for the next one built (scanKernel.ts recycleTransposed), so
 * that the memory of the process stays at `limit` copies. A matrix whose workspace went gets a new one at its next
 * solve: one transposition more, and the same answer (a resumed auction re-marks its assignment from the memoised
 * solution instead of taking the live one).
 */
import { createDualWorkspace, type DualWorkspace } from './dualSteps';
import { recycleTransposed } from './scanKernel';

export class WorkspaceCache {
  /** Workspaces by score array, least recently used first. */
  private readonly held = new Map<Float32Array, DualWorkspace>();
  /** Workspaces made so far (each a transposition when solved on): what an eviction costs later. */
  built = 0;

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`WorkspaceCache: limit must be at least 1, got ${limit}`);
  }

  /** The workspace of `data`: the one held (now the most recent), or a new one after the oldest beyond the limit go. */
  get(data: Float32Array): DualWorkspace {
    const hit = this.held.get(data);
    if (hit) {
      this.held.delete(data);
      this.held.set(data, hit);
      return hit;
    }
    while (this.held.size >= this.limit) this.drop(this.held.keys().next().value!);
    const ws = createDualWorkspace();
    this.held.set(data, ws);
    this.built++;
    return ws;
  }

  /** Whether `data` has a workspace now. */
  holds(data: Float32Array): boolean {
    return this.held.has(data);
  }

  get size(): number {
    return this.held.size;
  }

  /** Drops the workspaces of arrays not in `live` (a new input replaced them). */
  retain(live: ReadonlySet<Float32Array>): void {
    for (const data of [...this.held.keys()]) if (!live.has(data)) this.drop(data);
  }

  private drop(data: Float32Array): void {
    const ws = this.held.get(data);
    this.held.delete(data);
    if (ws?.transposed) recycleTransposed(ws.transposed);
  }
}
