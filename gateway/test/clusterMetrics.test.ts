import { AggregatorRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { serviceDraining } from '@saf/service';
import { breakerState, subgraphRequests } from '../src/metrics.ts';

/** What a scrape shows with two workers (GATEWAY_WORKERS=2): each worker's values, combined as the primary combines them. */
async function combined(metric: { get(): Promise<unknown> }, first: () => void, second: () => void): Promise<{ labels: Record<string, unknown>; value: number }[]> {
  first();
  // A copy: get() hands out the metric's live values.
  const a = structuredClone(await metric.get());
  second();
  const b = await metric.get();
  const registry = AggregatorRegistry.aggregate([[a], [b]] as Parameters<typeof AggregatorRegistry.aggregate>[0]);
  const [json] = await registry.getMetricsAsJSON();
  return (json as unknown as { values: { labels: Record<string, unknown>; value: number }[] }).values;
}

describe('metrics across gateway workers', () => {
  it('counters add up; a breaker shows its most open state and draining its highest, not their sums', async () => {
    subgraphRequests.reset();
    const requests = await combined(subgraphRequests, () => subgraphRequests.inc({ subgraph: 'labour' }, 3), () => subgraphRequests.inc({ subgraph: 'labour' }, 2));
    expect(requests).toEqual([expect.objectContaining({ labels: { subgraph: 'labour' }, value: 8 })]); // 3, then 3 + 2

    const breaker = await combined(breakerState, () => breakerState.set({ subgraph: 'labour' }, 1), () => breakerState.set({ subgraph: 'labour' }, 2));
    expect(breaker).toEqual([expect.objectContaining({ labels: { subgraph: 'labour' }, value: 2 })]);

    const draining = await combined(serviceDraining, () => serviceDraining.set({ service: 'gateway' }, 1), () => serviceDraining.set({ service: 'gateway' }, 1));
    expect(draining).toEqual([expect.objectContaining({ labels: { service: 'gateway' }, value: 1 })]);
    breakerState.reset();
    serviceDraining.reset();
  });
});
