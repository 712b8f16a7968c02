import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { holdPlotsForFirstCurve } from './planner/plots';

/** React's first render of the page (main.tsx loads this module after the workers are asked to start). */
export function mount(root: HTMLElement): void {
  // The page's first curve draws before its other plots (their Plotly draws would share the main thread and the cores).
  holdPlotsForFirstCurve();
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
