/**
 * The guided tour's controls: a start button for the header and the step panel. Keyboard: on the panel, → or Enter
 * for the next step, ← for the previous one, Escape to end; the panel takes focus on each step and gives it back to
 * the start button at the end. The page's own controls keep their keys (Tab into the page, Shift+Tab back).
 */
import { useEffect, useRef, type KeyboardEvent } from 'react';
import {
  TOUR_STEPS,
  endTour,
  goToStep,
  nextStep,
  prevStep,
  startTour,
  startTourFromUrl,
  useTour,
} from '../../state/tour';
import './tour.css';

const START_ID = 'tour-start';

export function TourButton() {
  const open = useTour((s) => s.step !== null);
  return (
    <button
      id={START_ID}
      type="button"
      className="tour-start"
      data-testid="tour.start"
      aria-controls="tour-panel"
      aria-expanded={open}
      onClick={() => (open ? endTour() : startTour())}
    >
      {open ? 'End the tour' : 'Take the guided tour'}
    </button>
  );
}

/** Scrolls the step's plot (or its section, while the plot is not there yet) into view. */
function reveal(selector: string, section: string): void {
  const el = document.querySelector(selector) ?? document.getElementById(section);
  el?.scrollIntoView({ block: 'center' });
}

export function TourPanel() {
  const i = useTour((s) => s.step);
  const panel = useRef<HTMLElement>(null);
  const wasOpen = useRef(false);
  useEffect(startTourFromUrl, []);
  useEffect(() => {
    if (i === null) {
      // Focus goes back where the tour started.
      if (wasOpen.current) document.getElementById(START_ID)?.focus();
      wasOpen.current = false;
      return;
    }
    wasOpen.current = true;
    const step = TOUR_STEPS[i];
    reveal(step.shows.selector, step.section);
    panel.current?.focus({ preventScroll: true });
  }, [i]);
  if (i === null) return null;
  const step = TOUR_STEPS[i];
  const last = i === TOUR_STEPS.length - 1;
  const onKey = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key === 'Escape') endTour();
    else if (e.key === 'ArrowRight') nextStep();
    else if (e.key === 'ArrowLeft') prevStep();
    // Enter on a button presses that button; on the panel itself it is "next".
    else if (e.key === 'Enter' && e.target === e.currentTarget) nextStep();
    else return;
    e.preventDefault();
  };
  return (
    <aside
      id="tour-panel"
      ref={panel}
      className="tour-panel"
      role="dialog"
      aria-modal="false"
      aria-labelledby="tour-title"
      aria-describedby="tour-text"
      tabIndex={-1}
      onKeyDown={onKey}
      data-testid="tour.panel"
      data-step={step.id}
      data-index={i + 1}
      data-shows-selector={step.shows.selector}
      data-shows-attrs={JSON.stringify(step.shows.attrs)}
    >
      <p className="tour-progress" aria-live="polite">
        Step {i + 1} of {TOUR_STEPS.length}
      </p>
      <h2 id="tour-title">{step.title}</h2>
      <p id="tour-text">{step.text}</p>
      <p className="tour-look">
        Look at: <b>{step.shows.label}</b>. Keys: → or Enter next, ← back, Esc ends.
      </p>
      <ol className="tour-steps" aria-label="tour steps">
        {TOUR_STEPS.map((s, k) => (
          <li key={s.id}>
            <button
              type="button"
              aria-current={k === i ? 'step' : undefined}
              aria-label={`step ${k + 1}: ${s.title}`}
              onClick={() => goToStep(k)}
            >
              {k + 1}
            </button>
          </li>
        ))}
      </ol>
      <div className="row">
        <button type="button" data-testid="tour.prev" disabled={i === 0} onClick={prevStep}>
          ← Back
        </button>
        <button type="button" data-testid="tour.next" onClick={nextStep}>
          {last ? 'Finish' : 'Next →'}
        </button>
        <button type="button" data-testid="tour.end" aria-label="End the tour" onClick={endTour}>
          Esc
        </button>
      </div>
    </aside>
  );
}
