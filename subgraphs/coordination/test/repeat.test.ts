import { describe, expect, it } from 'vitest';
import { Repeating } from '../src/repeat.ts';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Repeating: the office\'s background work on a timer', () => {
  it('runs one at a time, goes on after a run that throws, and stop waits for the run under way', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    const errors: string[] = [];
    let finished = false;
    const repeating = new Repeating(
      async () => {
        active++;
        most = Math.max(most, active);
        runs++;
        await wait(15);
        active--;
        if (runs === 1) throw new Error('first run failed');
        finished = true;
      },
      1,
      (err) => errors.push(err.message),
    );
    repeating.start();
    repeating.start();
    while (runs < 3 || active === 0) await wait(1);
    finished = false;
    await repeating.stop();
    expect(most).toBe(1);
    expect(errors).toEqual(['first run failed']);
    // The run under way when stop was called ended before stop returned, and none came after it.
    expect(finished).toBe(true);
    const after = runs;
    await wait(30);
    expect(runs).toBe(after);
  });

  it('never runs on its own with an interval of 0', async () => {
    let runs = 0;
    const repeating = new Repeating(async () => void runs++, 0, () => undefined, 0);
    repeating.start();
    await wait(20);
    await repeating.stop();
    expect(runs).toBe(0);
  });
});
