/** Dataset actions: the synthetic world, file loads with progress and cancel, all through the data worker. */
import { BridgeError } from '../bridge/client';
import { dataClient, onDataWorkerRestart, proxyCallback } from '../bridge/data';
import type { Columns, DataSummary, LoadResult, ReadAs, Sniff } from '../../workers/data.api';
import type { Result } from '../core/util/result';
import { patch, useStore, type AppState } from './store';
import { planLog } from '../core/ctr/readColumns';
import { leaveCtr, loadCtrFile } from './ctr';

let loading: AbortController | null = null;

/**
 * Numbers the loads (a generated world, a file): only the newest one sets the status and messages, and a summary is
 * shown only if no newer load has shown its own, so a world that was still being generated when the user dropped a
 * file never replaces that file. The data worker keeps the same order: a load asked for later stops an older file
 * read (its loadToken), and generating is synchronous there.
 */
let loads = 0;
let shownLoad = 0;
/** Loads asked for and not answered yet. */
let inFlight = 0;
/** Counts the user's data choices (and the loads): the page's opening world is not loaded once this has moved. */
let touches = 0;
export const dataTouches = (): number => touches;

/** A load's answer: its summary unless a newer one is shown; status and messages only while it is the newest. */
function answer(my: number, summary: DataSummary | null, rest: Partial<AppState['dataset']> = {}): void {
  if (summary && my > shownLoad) {
    shownLoad = my;
    patch('dataset', { summary });
  }
  if (my === loads) patch('dataset', { status: settled(), activity: '', ...rest });
}

// A restarted data worker holds nothing: say so and bring back the synthetic world rather than show stale numbers.
onDataWorkerRestart((reason) => {
  shownLoad = ++loads;
  patch('dataset', { summary: null, preview: null, status: 'idle', progress: null });
  const error = `The data worker stopped (${reason}) and was restarted; the synthetic world is loaded again.`;
  void loadSynthetic('small', 1).then(() => patch('dataset', { error }));
});

/** Ends a busy state set outside a load (the workspace restore) unless a load is running: back to what is shown. */
export function endOutsideBusy(): void {
  if (inFlight === 0) patch('dataset', { status: settled(), activity: '' });
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

type Generated = Promise<Result<DataSummary>>;

/** Asks the data worker for the synthetic world now; hand the answer to loadSynthetic to show it. */
export const requestSynthetic = (preset: 'small' | 'ml1m', seed: number): Generated =>
  dataClient().call<Result<DataSummary>>((api) => api.generate(preset, seed));

/**
 * Generates the built-in synthetic world (the page opens on it). `generated`: the answer of a requestSynthetic
 * call made earlier with the same preset and seed, after which the data worker was asked nothing else.
 */
export async function loadSynthetic(
  preset: 'small' | 'ml1m' = 'small',
  seed = 1,
  generated?: Generated,
): Promise<void> {
  touches++;
  const my = ++loads;
  // A file still being read is superseded (the worker stops it too when the world arrives there).
  loading?.abort();
  loading = null;
  patch('dataset', {
    status: 'busy',
    activity: `Generating the synthetic world (${preset}, seed ${seed})…`,
    progress: null,
    error: null,
    problems: [],
  });
  inFlight++;
  try {
    const r = await (generated ?? requestSynthetic(preset, seed));
    if (r.ok) {
      answer(my, r.data, { loadTiming: undefined });
      if (my === loads) leaveCtr();
    } else answer(my, null, { error: r.reason });
  } catch (e) {
    answer(my, null, { error: message(e) });
  } finally {
    inFlight--;
  }
}

/** Status after a failure: back to what was shown before. */
const settled = () => (useStore.getState().dataset.summary ? 'ready' : 'idle');

/** The file behind the preview (a handle; its bytes stay on disk until the worker streams them). */
let previewFile: File | null = null;

/**
 * A chosen or dropped file: sniff its first lines for the preview, then load it at once when the roles are clear
 * (a header naming them, or MovieLens-shaped rows); otherwise wait for the user to check the roles.
 */
export async function chooseFile(file: File): Promise<void> {
  touches++;
  previewFile = file;
  let sniff: Sniff;
  try {
    sniff = await dataClient().call<Sniff>((api) => api.sniff(file));
  } catch (e) {
    patch('dataset', { error: `${file.name}: ${message(e)}` });
    return;
  }
  if (previewFile !== file) return;
  if (sniff.binary) {
    patch('dataset', {
      preview: null,
      problems: [],
      error: `${file.name}: binary data (NUL bytes), not a text file of interactions; previous data kept`,
    });
    return;
  }
  // A log with click or conversion labels is the click-and-conversion track's (read in its own worker).
  if (!sniff.problem && planLog(sniff.header, sniff.rows).kind === 'impressions') {
    patch('dataset', { preview: null, problems: [], error: null });
    await loadCtrFile(file);
    return;
  }
  const readAs: ReadAs = { columns: sniff.columns, delimiter: sniff.delimiter, header: sniff.header !== null };
  patch('dataset', { preview: { fileName: file.name, sniff, readAs }, error: null, problems: [] });
  if (sniff.confident) await loadFile(file, readAs);
  else
    patch('dataset', {
      error: `${file.name}: check which column holds the user, the item and the time, then press Load`,
    });
}

/** Sets the column of one role in the preview (−1 = none; only the value role may be absent). */
export function setRole(role: keyof Columns, column: number): void {
  const p = useStore.getState().dataset.preview;
  if (!p) return;
  roleChoices++;
  const columns = { ...p.readAs.columns };
  // A column holds one role: whichever role had it gives it up.
  for (const k of Object.keys(columns) as (keyof Columns)[]) if (columns[k] === column) columns[k] = -1;
  columns[role] = column;
  patch('dataset', { preview: { ...p, readAs: { ...p.readAs, columns } } });
}

/** Numbers setFormat calls: an older answer arriving after a newer choice is dropped. */
let formatRequests = 0;
/** Counts the user's role choices: one made while a re-split was on its way outlives that re-split's detection. */
let roleChoices = 0;

/**
 * Re-reads the preview with the delimiter or header the user chose (the file's first 64 KiB, split again); the roles
 * are detected afresh for the new split.
 */
export async function setFormat(format: { delimiter?: string; header?: boolean }): Promise<void> {
  const p = useStore.getState().dataset.preview;
  const file = previewFile;
  if (!p || !file) return;
  const opts = { delimiter: format.delimiter ?? p.readAs.delimiter, header: format.header ?? p.readAs.header };
  // The controls show the user's choice at once; the rows follow when the worker has split them again.
  const my = ++formatRequests;
  const choicesBefore = roleChoices;
  patch('dataset', { preview: { ...p, readAs: { ...p.readAs, ...opts } } });
  let sniff: Sniff;
  try {
    sniff = await dataClient().call<Sniff>((api) => api.sniff(file, opts));
  } catch (e) {
    patch('dataset', { error: `${file.name}: ${message(e)}` });
    return;
  }
  if (previewFile !== file || my !== formatRequests) return;
  // Roles the user picked while this answer was on its way are theirs to keep (where the new split has those
  // columns); otherwise the roles are detected afresh for the new split.
  const chosen = useStore.getState().dataset.preview?.readAs.columns;
  const keep =
    roleChoices !== choicesBefore &&
    chosen &&
    Object.values(chosen).every((c) => c === undefined || c < sniff.fieldCount);
  patch('dataset', {
    preview: {
      fileName: file.name,
      sniff,
      readAs: { columns: keep ? chosen : sniff.columns, delimiter: sniff.delimiter, header: sniff.header !== null },
    },
  });
}

/** Loads the previewed file with the roles shown. */
export async function loadPreviewed(): Promise<void> {
  const p = useStore.getState().dataset.preview;
  if (!p || !previewFile) return;
  const c = p.readAs.columns;
  if (c.user < 0 || c.item < 0 || c.time < 0) {
    patch('dataset', { error: `${p.fileName}: choose a column for each of user, item and time` });
    return;
  }
  await loadFile(previewFile, p.readAs);
}

/** Streams a user's file into the data worker; a refusal keeps the previous data and lists the problems. */
export async function loadFile(file: File, readAs?: ReadAs): Promise<void> {
  touches++;
  const my = ++loads;
  loading?.abort();
  const ctl = new AbortController();
  loading = ctl;
  patch('dataset', {
    status: 'busy',
    activity: `Reading ${file.name}…`,
    progress: { loaded: 0, total: file.size },
    error: null,
    problems: [],
  });
  // Progress arrives per chunk; repaint at most once per frame.
  let frame = 0;
  let latest = 0;
  const onProgress = proxyCallback((loaded: number, total: number) => {
    latest = loaded;
    if (!frame)
      frame = requestAnimationFrame(() => {
        frame = 0;
        if (loading === ctl) patch('dataset', { progress: { loaded: latest, total } });
      });
  });
  inFlight++;
  try {
    const r = await dataClient().call<LoadResult>(
      (api) => api.loadFile(file, file.name, onProgress, readAs),
      ctl.signal,
    );
    if (r.ok) {
      answer(my, r.data, { problems: r.problems, error: null, loadTiming: r.timing });
      if (my === loads) leaveCtr();
    } else answer(my, null, { problems: r.problems, error: r.reason });
  } catch (e) {
    const cancelled = e instanceof BridgeError && e.code === 'aborted';
    answer(my, null, { error: cancelled ? `${file.name}: loading cancelled, previous data kept` : message(e) });
  } finally {
    inFlight--;
    if (loading === ctl) loading = null;
    if (my === loads) patch('dataset', { progress: null });
  }
}

/** Cancels the running file load: the worker stops between chunks and the page stops waiting. */
export function cancelLoad(): void {
  if (!loading) return;
  void dataClient().call((api) => api.cancel());
  loading.abort();
}

/** Item metadata (titles, genres) joined on item id; shown in the summary's top-items list. */
export async function loadItemMeta(file: File): Promise<void> {
  try {
    const r = await dataClient().call<Result<DataSummary | null>>((api) => api.loadItemMeta(file, file.name));
    if (!r.ok) patch('dataset', { error: r.reason, problems: [] });
    else if (r.data) patch('dataset', { summary: r.data, error: null });
  } catch (e) {
    patch('dataset', { error: `${file.name}: ${message(e)}` });
  }
}
