import { describe, expect, it } from 'vitest';
import { Histogram, Registry } from 'prom-client';
import { describeGc, gcSince, readGc } from '../lib/gc.ts';

describe('garbage-collection pauses between two scrapes', () => {
  it('counts each kind’s pauses since the first reading, with their mean and the longest’s bucket', async () => {
    const registry = new Registry();
    // The shape prom-client's default metrics give it: labelled by kind, its default buckets.
    const h = new Histogram({ name: 'nodejs_gc_duration_seconds', help: 'x', labelNames: ['kind'], buckets: [0.001, 0.01, 0.1, 1, 2, 5], registers: [registry] });
    h.observe({ kind: 'minor' }, 0.002);
    const before = readGc(await registry.metrics());
    for (const v of [0.001, 0.003, 0.005]) h.observe({ kind: 'minor' }, v);
    h.observe({ kind: 'major' }, 0.03);
    const pauses = gcSince(before, readGc(await registry.metrics()));
    expect(pauses.minor).toEqual({ count: 3, meanMs: expect.closeTo(3, 6), longestMs: 10 });
    expect(pauses.major).toEqual({ count: 1, meanMs: expect.closeTo(30, 6), longestMs: 100 });
    expect(pauses.incremental).toBeUndefined();
    expect(describeGc(pauses)).toBe('minor 3× 3.0 ms (longest ≤ 10 ms), major 1× 30.0 ms (longest ≤ 100 ms)');
  });

  it('says none when nothing was collected, and takes a first reading as since the start', async () => {
    const registry = new Registry();
    const h = new Histogram({ name: 'nodejs_gc_duration_seconds', help: 'x', labelNames: ['kind'], buckets: [0.01], registers: [registry] });
    h.observe({ kind: 'major' }, 0.02);
    const reading = readGc(await registry.metrics());
    expect(describeGc(gcSince(reading, reading))).toBe('none');
    expect(gcSince(undefined, reading).major).toEqual({ count: 1, meanMs: expect.closeTo(20, 6), longestMs: Number.POSITIVE_INFINITY });
  });
});
