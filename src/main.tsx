import { installTestHook } from './state/testHook';
import { startPage } from './state/page';
import './ui/app.css';

installTestHook();
// Before React: the workers are asked for, the world is generated while the page renders and lays out.
startPage();
// React and the page's UI come in a chunk of their own: while it loads, the main thread is free to start the workers
// (a worker's thread starts only once the page's main thread handles the browser's answer to `new Worker`).
const root = document.getElementById('root')!;
import('./ui/mount').then(
  (m) => m.mount(root),
  (e: unknown) => {
    root.textContent = `The page could not load its interface (${e instanceof Error ? e.message : String(e)}); please reload.`;
  },
);
