import { describe, expect, it } from 'vitest';
import { resultFileName } from '../lib/report.ts';

describe('the file a benchmark run writes', () => {
  const date = '2026-12-06T02:19:51.271Z';

  it('takes the day’s name, then the first free letter, never an earlier run’s file', () => {
    expect(resultFileName(date, false, () => false)).toBe('2026-12-06.md');
    const taken = new Set(['2026-12-06.md', '2026-12-06b.md']);
    expect(resultFileName(date, false, (n) => taken.has(n))).toBe('2026-12-06c.md');
  });

  it('writes a run that left parts out to the day’s scratch file, and says when the day is full', () => {
    expect(resultFileName(date, true, () => true)).toBe('2026-12-06.partial.tmp');
    expect(() => resultFileName(date, false, () => true)).toThrow(/26 runs of 2026-12-06/);
  });
});
