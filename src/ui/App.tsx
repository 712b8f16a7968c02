/** The one page: Data → Train → Results → Planner → Paradox. Sections never unmount. */
export function App() {
  return (
    <main className="app">
      <header className="app-header">
        <h1>RIM Workbench</h1>
        <p>Recurrent Intensity Models for recommendation and marketing: who buys what, and when.</p>
      </header>
      <section id="data" aria-labelledby="data-h">
        <h2 id="data-h">1. Data</h2>
      </section>
    </main>
  );
}
