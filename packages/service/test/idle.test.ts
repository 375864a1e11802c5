import { describe, expect, it } from 'vitest';
import { IdleCollector } from '../src/idle.ts';

const MB = 2 ** 20;

/** A collector on a hand-driven clock and heap reading. */
function rig(idleMs = 1000) {
  const state = { now: 0, heap: 100 * MB };
  const collector = new IdleCollector({ idleMs, growthBytes: 32 * MB, now: () => state.now, heapUsed: () => state.heap });
  return { state, collector };
}

describe('IdleCollector', () => {
  it('collects only once no request is in flight for idleMs and the heap has grown', () => {
    const { state, collector } = rig();
    state.heap += 64 * MB;
    state.now = 999;
    expect(collector.due()).toBe(false); // not idle long enough
    collector.begin();
    state.now = 5000;
    expect(collector.due()).toBe(false); // a request in flight
    collector.end();
    state.now = 5999;
    expect(collector.due()).toBe(false); // idle, but only since the request ended
    state.now = 6000;
    expect(collector.due()).toBe(true);
  });

  it('does not collect again until the heap grows again by the margin', () => {
    const { state, collector } = rig();
    state.heap += 64 * MB;
    state.now = 2000;
    expect(collector.check()).toBe(true);
    // The real collection ran; the baseline is what the rig's heap reads after it.
    state.now = 10_000;
    expect(collector.check()).toBe(false);
    state.heap += 31 * MB;
    expect(collector.check()).toBe(false);
    state.heap += 2 * MB;
    expect(collector.check()).toBe(true);
  });

  it('an unbalanced end does not leave the count below zero (a request never counted still lets it go idle)', () => {
    const { state, collector } = rig();
    collector.end();
    collector.begin();
    collector.end();
    state.heap += 64 * MB;
    state.now = 5000;
    expect(collector.due()).toBe(true);
  });

  it('gives garbage back for real: the heap in use drops after an idle collection', () => {
    const collector = new IdleCollector({ idleMs: 0, growthBytes: 8 * MB });
    let garbage: number[][] | null = Array.from({ length: 400 }, () => Array.from({ length: 20_000 }, (_, i) => i + 0.5));
    const withGarbage = process.memoryUsage().heapUsed;
    garbage = null;
    expect(garbage).toBeNull();
    // idleMs 0: due as soon as nothing is in flight and the heap grew since the collector was made.
    const collected = collector.check();
    const after = process.memoryUsage().heapUsed;
    expect(collected).toBe(true);
    expect(withGarbage - after).toBeGreaterThan(32 * MB);
  });
});
