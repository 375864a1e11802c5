import { describe, expect, it } from 'vitest';
import { Histogram, Registry } from 'prom-client';
import { histogramSince, quantileBound, readHistogram } from '../lib/histogram.ts';

describe('reading a histogram off /metrics', () => {
  it('reads prom-client’s text, takes the difference of two readings, and bounds its quantiles by bucket', async () => {
    const registry = new Registry();
    const h = new Histogram({ name: 'wait_seconds', help: 'x', buckets: [0.001, 0.01, 0.1], registers: [registry] });
    for (const v of [0.0005, 0.0005, 0.005]) h.observe(v);
    const before = readHistogram(await registry.metrics(), 'wait_seconds')!;
    expect(before).toEqual({ buckets: [{ le: 0.001, count: 2 }, { le: 0.01, count: 3 }, { le: 0.1, count: 3 }, { le: Number.POSITIVE_INFINITY, count: 3 }], count: 3, sum: 0.006 });

    for (let i = 0; i < 98; i++) h.observe(0.0008);
    h.observe(0.05);
    h.observe(2);
    const since = histogramSince(before, readHistogram(await registry.metrics(), 'wait_seconds')!);
    expect(since.count).toBe(100);
    expect(since.sum).toBeCloseTo(98 * 0.0008 + 2.05, 6);
    expect(quantileBound(since, 0.5)).toBe(0.001);
    expect(quantileBound(since, 0.99)).toBe(0.1);
    expect(quantileBound(since, 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('reads one series of a labelled histogram, as prom-client writes its GC pauses', async () => {
    const registry = new Registry();
    const h = new Histogram({ name: 'gc_seconds', help: 'x', labelNames: ['kind'], buckets: [0.001, 0.01], registers: [registry] });
    h.observe({ kind: 'minor' }, 0.0005);
    h.observe({ kind: 'minor' }, 0.002);
    h.observe({ kind: 'major' }, 0.02);
    const text = await registry.metrics();
    expect(readHistogram(text, 'gc_seconds', 'kind="minor"')).toEqual({ buckets: [{ le: 0.001, count: 1 }, { le: 0.01, count: 2 }, { le: Number.POSITIVE_INFINITY, count: 2 }], count: 2, sum: 0.0025 });
    expect(readHistogram(text, 'gc_seconds', 'kind="major"')).toEqual({ buckets: [{ le: 0.001, count: 0 }, { le: 0.01, count: 0 }, { le: Number.POSITIVE_INFINITY, count: 1 }], count: 1, sum: 0.02 });
    expect(readHistogram(text, 'gc_seconds', 'kind="incremental"')).toBeNull();
    expect(readHistogram(text, 'gc_seconds')).toBeNull();
  });

  it('has nothing to say of a histogram that is not there or saw nothing', () => {
    expect(readHistogram('other_total 3\n', 'wait_seconds')).toBeNull();
    expect(quantileBound({ buckets: [{ le: 1, count: 0 }], count: 0, sum: 0 }, 0.5)).toBeNaN();
  });
});
