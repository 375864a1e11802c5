import { describe, expect, it } from 'vitest';
import { median, medianBy, medianRun, pooledQuantile, quantile, statsOf, type RunStats } from '../lib/stats.ts';

const run = (rps: number, p99: number, extra: Partial<RunStats & { gatewayCpuMs: number }> = {}) => ({ rps, p50: rps / 10, p95: p99 / 2, p99, requests: rps * 8, errors: 0, ...extra });

describe('bench statistics', () => {
  it('takes the median of each figure on its own, not the figures of the median-throughput round', () => {
    // The round with the median throughput (54) had the worst p99: a single round must not decide it.
    const rounds = [run(54, 556, { gatewayCpuMs: 7.7 }), run(46, 392, { gatewayCpuMs: 8.1 }), run(60, 272, { gatewayCpuMs: 6.9, errors: 2 })];
    const merged = medianRun(rounds, ['gatewayCpuMs']);
    expect(merged).toEqual({ rps: 54, p50: 5.4, p95: 196, p99: 392, requests: 432, errors: 2, gatewayCpuMs: 7.7, pooledP99: Number.NaN });
  });

  it('leaves out a further figure some round lacks', () => {
    const merged = medianRun([run(10, 5, { gatewayCpuMs: 3 }), run(12, 6)], ['gatewayCpuMs']);
    expect(merged).not.toHaveProperty('gatewayCpuMs');
    expect(merged.rps).toBe(10); // the lower middle of an even count
  });

  it('pools every round’s requests for one p99 beside the rounds’ median, and keeps no latencies', () => {
    // Two calm rounds and one with a tail: the median p99 passes over it, the pooled one does not.
    const calm = () => statsOf(Array.from({ length: 100 }, (_, i) => 10 + (i % 10)), 1, 0);
    const tail = statsOf([...Array.from({ length: 96 }, () => 10), 500, 600, 700, 800], 1, 0);
    expect(tail.p99).toBe(700);
    const merged = medianRun([calm(), tail, calm()]);
    expect(merged.p99).toBe(19);
    expect(merged.pooledP99).toBe(500);
    expect(pooledQuantile([calm(), tail, calm()], 0.99)).toBe(500);
    expect(merged).not.toHaveProperty('latencies');
    expect(pooledQuantile([run(1, 1)], 0.99)).toBeNaN();
  });

  it('refuses to merge no rounds', () => {
    expect(() => medianRun([])).toThrow(/no rounds/);
  });

  it('medians: odd and even counts, and none', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(median([])).toBeNaN();
    expect(medianBy([{ s: 9.0 }, { s: 6.9 }, { s: 6.5 }], (x) => x.s)).toEqual({ s: 6.9 });
  });

  it('quantiles by nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(sorted, 0.5)).toBe(50);
    expect(quantile(sorted, 0.99)).toBe(99);
    expect(statsOf([30, 10, 20], 2, 1)).toMatchObject({ rps: 1.5, p50: 20, p99: 30, requests: 3, errors: 1 });
  });
});
