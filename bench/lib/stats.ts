/** Throughput and latency of one timed run. */
export interface RunStats {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  /** Non-2xx answers, connection errors, timeouts and answers with GraphQL errors. */
  errors: number;
}

/** The q-quantile (0..1) of latencies sorted ascending (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function statsOf(latencies: number[], seconds: number, errors: number): RunStats {
  const sorted = Float64Array.from(latencies).sort();
  const list = Array.from(sorted);
  return { rps: latencies.length / seconds, p50: quantile(list, 0.5), p95: quantile(list, 0.95), p99: quantile(list, 0.99), requests: latencies.length, errors };
}

/** The run with the median throughput of several (rounds alternate between gateways; one is reported). */
export function medianRun(runs: RunStats[]): RunStats {
  return medianBy(runs, (r) => r.rps);
}

/** The median of several by `key` (the lower of the two middle ones for an even count). */
export function medianBy<T>(items: readonly T[], key: (item: T) => number): T {
  if (!items.length) throw new Error('medianBy: nothing to take the median of');
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
