/** Tabs of this page and their one shared saved workspace. */
import { patch } from './store';

/**
 * Tabs of this page share one saved workspace (the last save wins, whole: workers/workspace.ts). A tab says on a
 * BroadcastChannel when its save is done; the others say that a reload would now bring that tab's work, not theirs.
 */
const channel: BroadcastChannel | null =
  typeof BroadcastChannel === 'function' ? new BroadcastChannel('rimw-workspace') : null;

interface SavedNote {
  source: string;
  at: number;
}

export function announceSaved(source: string): void {
  channel?.postMessage({ source, at: Date.now() } satisfies SavedNote);
  patch('ui', { otherTab: null });
}

export function watchOtherTabs(): void {
  if (!channel) return;
  channel.onmessage = (e: MessageEvent<SavedNote>) => {
    const time = new Date(e.data.at).toLocaleTimeString();
    patch('ui', {
      otherTab:
        `Another tab of this page saved its workspace (${e.data.source}) at ${time}: a reload here restores that ` +
        "tab's data and results. This tab's own are saved again when its next run completes.",
    });
  };
}
