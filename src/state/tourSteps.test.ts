import { describe, expect, it } from 'vitest';
import { TOUR_STEPS, clampStep, parseTourParam, tourParam } from './tourSteps';

describe('the tour steps', () => {
  it('teach in the order asked: paradox, intensity, UserRec, the Dual’s trade-off, online delivery', () => {
    expect(TOUR_STEPS.map((s) => s.id)).toEqual(['paradox', 'intensity', 'userrec', 'dual', 'online']);
    for (const s of TOUR_STEPS) {
      // Two or three sentences each (a sentence ends with ". " or the final ".").
      const sentences = s.text.split(/\.\s+(?=[A-Z])/).length;
      expect(sentences, s.id).toBeGreaterThanOrEqual(2);
      expect(sentences, s.id).toBeLessThanOrEqual(3);
      expect(Object.keys(s.shows.attrs).length, s.id).toBeGreaterThan(0);
    }
    // The two planner steps differ only in the mode.
    expect(TOUR_STEPS[3].planner).toEqual({ mode: 'offline', alpha: 0.01, beta: 0.005 });
    expect(TOUR_STEPS[4].planner).toEqual({ mode: 'online', alpha: 0.01, beta: 0.005 });
  });

  it('?tour=N counts from 1; other values name no step', () => {
    expect(parseTourParam('1')).toBe(0);
    expect(parseTourParam(' 5 ')).toBe(4);
    for (const bad of [null, '', '0', '6', '-1', '2.5', 'two']) expect(parseTourParam(bad), String(bad)).toBeNull();
    expect(TOUR_STEPS.map((_, i) => parseTourParam(tourParam(i)))).toEqual([0, 1, 2, 3, 4]);
  });

  it('moving stays within the tour', () => {
    expect([clampStep(0, -1), clampStep(0, 1), clampStep(4, 1), clampStep(9, 0)]).toEqual([0, 1, 4, 4]);
  });
});
