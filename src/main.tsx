import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { installTestHook } from './state/testHook';
import { startPage } from './state/page';
import { holdPlotsForFirstCurve } from './ui/planner/plots';
import './ui/app.css';

installTestHook();
// Before React's first render: the workers load and the world is generated while the page renders and lays out.
startPage();
// The page's first curve draws before its other plots (their Plotly draws would share the main thread and the cores).
holdPlotsForFirstCurve();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
