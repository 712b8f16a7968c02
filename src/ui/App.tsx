/** The one page: Data → Train → Results → Planner → Paradox. Sections never unmount; each has its own error boundary. */
import type { ReactNode } from 'react';
import { useStore } from '../state/store';
import { ErrorBoundary } from './ErrorBoundary';
import { DataSection } from './data/DataSection';
import { ParadoxSection } from './paradox/ParadoxSection';
import { PlannerSection } from './planner/PlannerSection';
import { SplitPanel } from './train/SplitPanel';
import { TrainPanel } from './train/TrainPanel';
import { ResultsSection } from './results/ResultsSection';
import { useCtr } from '../state/ctr';
import { CtrData } from './ctr/CtrData';
import { CtrTrain } from './ctr/CtrTrain';
import { CtrResults } from './ctr/CtrResults';
import { TourButton, TourPanel } from './tour/Tour';

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{title}</h2>
      <ErrorBoundary name={id}>{children}</ErrorBoundary>
    </section>
  );
}

/** The hash holds the run config, so the section links scroll instead of changing it. */
const NAV: [string, string][] = [
  ['data', '1 Data'],
  ['train', '2 Train'],
  ['results', '3 Results'],
  ['planner', '4 Planner'],
  ['paradox', '5 Paradox'],
];

export function App() {
  const config = useStore((s) => s.ui.config);
  const urlProblem = useStore((s) => s.ui.urlProblem);
  const otherTab = useStore((s) => s.ui.otherTab);
  // With an impression log loaded, Train and Results show the click-and-conversion track (the RIM track stays
  // mounted, hidden, and comes back when an interaction log is loaded).
  const ctr = useCtr((s) => s.active);
  return (
    <main className="app">
      <header className="app-header">
        <h1>RIM Workbench</h1>
        <p>Recurrent Intensity Models for recommendation and marketing: who buys what, and when.</p>
        <TourButton />
        <nav aria-label="sections">
          {NAV.map(([id, label]) => (
            <button
              key={id}
              type="button"
              className="link"
              onClick={() => document.getElementById(id)?.scrollIntoView({ behavior: 'smooth' })}
            >
              {label}
            </button>
          ))}
        </nav>
        {urlProblem && <p className="error">The link's run config was refused ({urlProblem}); using the default.</p>}
        {otherTab && (
          <p className="warning" role="status" data-testid="workspace.otherTab">
            {otherTab}
          </p>
        )}
      </header>
      <TourPanel />
      <Section id="data" title="1. Data">
        <DataSection />
        <CtrData />
      </Section>
      <Section id="train" title="2. Train">
        <div hidden={ctr}>
          <SplitPanel />
          <TrainPanel />
          <details className="config-details">
            <summary>The run config (kept in the URL, seed included)</summary>
            <pre className="config" data-testid="train.config">
              {JSON.stringify(config, null, 1)}
            </pre>
          </details>
        </div>
        {ctr && <CtrTrain />}
      </Section>
      <Section id="results" title="3. Results">
        <div hidden={ctr}>
          <ResultsSection />
        </div>
        {ctr && <CtrResults />}
      </Section>
      <Section id="planner" title="4. Planner">
        <PlannerSection />
      </Section>
      <Section id="paradox" title="5. The Bayesian paradox">
        <ParadoxSection />
      </Section>
    </main>
  );
}
