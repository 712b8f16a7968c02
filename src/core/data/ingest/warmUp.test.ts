import { describe, expect, it } from 'vitest';
import { warmUpParser } from './warmUp';

describe('warmUpParser', () => {
  it('really reads its generated lines, as a whole file and as a later part of one', () => {
    const file = warmUpParser('file', 1000, 1);
    expect(file.events).toBe(1000);
    expect(file.dataset?.nUsers).toBe(1000);
    expect(warmUpParser('part', 1000, 1)).toEqual({ events: 1000, dataset: null });
  });
});
