import { describe, expect, it } from 'vitest';
import { warmUpParser } from './warmUp';

describe('warmUpParser', () => {
  it('really reads its generated lines, as a whole file and as a later part of one', () => {
    expect(warmUpParser('file', 1000, 1)).toBe(1000);
    expect(warmUpParser('part', 1000, 1)).toBe(1000);
  });
});
