/**
 * What an auction solve (auction.ts) keeps for the next one on the same matrix: each user's chosen slots, the
 * membership bytes and the per-item holder lists, with a mark of the result they still hold exactly, so that a
 * resumed slider step starts from them instead of re-marking every choice and the rows × items membership bytes.
 */
import { ChoiceSlots } from './choiceSlots';
import { ItemHolders } from './itemHolders';
import { kernelOf, type ScanKernel } from './scanKernel';

/** What a solve leaves for the next one on the same matrix (see AuctionOptions.workspace). */
export interface AuctionWorkspace {
  state: AuctionState | null;
}

export interface AuctionState {
  T: Float32Array;
  n: number;
  m: number;
  K: number;
  choices: ChoiceSlots;
  /** Column-major: member[y·n + x]. */
  member: Uint8Array;
  holders: ItemHolders;
  /** Whether member and holders may be non-empty. */
  used: boolean;
  /** The `chosen` the last finished solve returned, while its choices, membership and holders still hold exactly it. */
  handedOut: Int32Array | null;
}

export const createAuctionWorkspace = (): AuctionWorkspace => ({ state: null });

/** The workspace's state when it fits T, n, m and K; else a fresh one (kept in the workspace when there is one). */
function stateFor(ws: AuctionWorkspace | undefined, T: Float32Array, n: number, m: number, K: number): AuctionState {
  const s = ws?.state;
  if (s && s.T === T && s.n === n && s.m === m && s.K === Math.max(1, K)) return s;
  const kern = kernelOf(T);
  const fresh: AuctionState = {
    T,
    n,
    m,
    K: Math.max(1, K),
    choices: new ChoiceSlots(n, Math.max(1, K), kern?.kth32),
    // On a kernel the membership bytes live in its memory, where its scan reads them.
    member: kern ? kern.member : new Uint8Array(m * n),
    holders: new ItemHolders(m),
    used: kern !== null && kern.owner !== null, // a kernel's bytes may hold an earlier state's marks (fresh memory is zero)
    handedOut: null,
  };
  if (ws) ws.state = fresh;
  return fresh;
}

/**
 * Empties membership and holder lists: through the lists (rows × K bytes, not all rows × items) when the marks are
 * this state's own, else all of it.
 */
export function clearState(s: AuctionState, own: boolean): void {
  if (!s.used) return;
  const { member, holders, n } = s;
  if (!own) member.fill(0);
  else {
    for (let y = 0; y < s.m; y++) {
      const list = holders.list(y);
      for (let i = 0, c = holders.count[y]; i < c; i++) member[y * n + list[i]] = 0;
    }
  }
  holders.clear();
}

/**
 * The state a solve runs on (and T's scan kernel, if any), emptied unless it holds `resumed` (the chosen sets of the result being resumed) exactly
 * as that solve left them; `live` says which. On a scan kernel the solve takes the kernel's K-th values and
 * membership bytes over, so a state is live only if no other solve on the same matrix used them since.
 */
export function takeState(
  ws: AuctionWorkspace | undefined,
  T: Float32Array,
  n: number,
  m: number,
  K: number,
  resumed: Int32Array | null,
): { st: AuctionState; live: boolean; kern: ScanKernel | null } {
  const st = stateFor(ws, T, n, m, K);
  const kern = kernelOf(T);
  const own = !kern || kern.owner === st;
  if (kern) kern.owner = st;
  const live = resumed !== null && own && st.handedOut === resumed;
  st.handedOut = null;
  if (!live) clearState(st, own);
  st.used = true;
  return { st, live, kern };
}
