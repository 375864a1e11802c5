import { describe, expect, it } from 'vitest';
import type { Department } from '@saf/programmes';
import { FigureCache } from '../src/statistics/cache.ts';

const log = { warn: () => {}, info: () => {} } as never;
const versions = (entries: Partial<Record<Department, string>>) => new Map(Object.entries(entries)) as Map<Department, string>;

/** A computation the test answers by hand, counting how often it was started. */
function manual<T>(value: (n: number) => T, complete = true) {
  const pending: (() => void)[] = [];
  let started = 0;
  const compute = () => {
    started++;
    const n = started;
    return new Promise<{ value: T; complete: boolean }>((resolve) => pending.push(() => resolve({ value: value(n), complete })));
  };
  return { compute, started: () => started, answer: () => pending.splice(0).forEach((f) => f()) };
}

describe('kept statistics figures', () => {
  it('compute once for eight identical requests at once, and serve it until the data changes', async () => {
    const cache = new FigureCache(16);
    const work = manual((n) => `figures #${n}`);
    const v1 = versions({ LABOUR: 'a' });
    const asked = Array.from({ length: 8 }, () => cache.get('aggregates', 'k', ['LABOUR'], v1, work.compute));
    expect(work.started()).toBe(1);
    work.answer();
    const answers = await Promise.all(asked);
    expect(new Set(answers.map((a) => a.value))).toEqual(new Set(['figures #1']));
    // Another department's data changing does not matter; this one's does.
    expect((await cache.get('aggregates', 'k', ['LABOUR'], versions({ LABOUR: 'a', HEALTH: 'x' }), work.compute)).value).toBe('figures #1');
    const later = cache.get('aggregates', 'k', ['LABOUR'], versions({ LABOUR: 'b' }), work.compute);
    work.answer();
    expect((await later).value).toBe('figures #2');
    expect(work.started()).toBe(2);
  });

  it('keeps neither a failed nor an incomplete computation', async () => {
    const cache = new FigureCache(16);
    const v = versions({ LABOUR: 'a' });
    let calls = 0;
    await expect(cache.get('x', 'k', ['LABOUR'], v, async () => (calls++, Promise.reject(new Error('down'))))).rejects.toThrow('down');
    expect(await cache.get('x', 'k', ['LABOUR'], v, async () => (calls++, { value: 1, complete: false }))).toMatchObject({ value: 1 });
    expect(await cache.get('x', 'k', ['LABOUR'], v, async () => (calls++, { value: 2, complete: true }))).toMatchObject({ value: 2 });
    expect(await cache.get('x', 'k', ['LABOUR'], v, async () => (calls++, { value: 3, complete: true }))).toMatchObject({ value: 2 });
    expect(calls).toBe(3);
  });

  it('computes without keeping when a department’s version is unknown (it did not answer)', async () => {
    const cache = new FigureCache(16);
    let calls = 0;
    const compute = async () => ({ value: ++calls, complete: true });
    await cache.get('x', 'k', ['LABOUR', 'HEALTH'], versions({ LABOUR: 'a' }), compute);
    await cache.get('x', 'k', ['LABOUR', 'HEALTH'], versions({ LABOUR: 'a' }), compute);
    expect(calls).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('keeps at most its bound, dropping the least recently read', async () => {
    const cache = new FigureCache(2);
    const v = versions({ LABOUR: 'a' });
    let calls = 0;
    const compute = async () => ({ value: ++calls, complete: true });
    await cache.get('x', 'a', ['LABOUR'], v, compute);
    await cache.get('x', 'b', ['LABOUR'], v, compute);
    await cache.get('x', 'a', ['LABOUR'], v, compute); // a is now the most recent
    await cache.get('x', 'c', ['LABOUR'], v, compute); // b goes
    expect(cache.size).toBe(2);
    expect(calls).toBe(3);
    await cache.get('x', 'a', ['LABOUR'], v, compute);
    expect(calls).toBe(3);
    await cache.get('x', 'b', ['LABOUR'], v, compute);
    expect(calls).toBe(4);
  });

  it('recomputes in the background what was read recently and changed, and a request joins it', async () => {
    let now = 1_000_000;
    const cache = new FigureCache(16, () => now);
    const recent = manual((n) => `recent #${n}`);
    const old = manual((n) => `old #${n}`);
    const v1 = versions({ LABOUR: 'a' });
    const a = cache.get('x', 'recent', ['LABOUR'], v1, recent.compute);
    const b = cache.get('x', 'old', ['LABOUR'], v1, old.compute);
    recent.answer();
    old.answer();
    await Promise.all([a, b]);
    now += 20 * 60_000;
    await cache.get('x', 'recent', ['LABOUR'], v1, recent.compute); // read again: warm
    const v2 = versions({ LABOUR: 'b' });
    const refreshing = cache.refresh(v2, 15 * 60_000, log);
    expect(recent.started()).toBe(2);
    const joined = cache.get('x', 'recent', ['LABOUR'], v2, recent.compute);
    expect(recent.started()).toBe(2);
    recent.answer();
    expect(await refreshing).toBe(1);
    expect((await joined).value).toBe('recent #2');
    // Not read for 20 minutes: computed when next asked, not before.
    expect(old.started()).toBe(1);
  });
});

describe('a request waiting for figures being computed', () => {
  it('is told to ask again once its wait is over, while the computation goes on', async () => {
    const { untilReady } = await import('../src/statistics/figures.ts');
    let finish!: (v: string) => void;
    const figures = new Promise<string>((resolve) => (finish = resolve));
    await expect(untilReady(figures, Date.now() + 20)).rejects.toMatchObject({ extensions: { code: 'STATISTICS_COMPUTING', retryAfterSeconds: 5 } });
    finish('done');
    expect(await untilReady(figures, Date.now() + 20)).toBe('done');
  });
});
