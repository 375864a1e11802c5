/** Throughput and latency of one timed run. */
export interface RunStats {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  /** Non-2xx answers, connection errors, timeouts and answers with GraphQL errors. */
  errors: number;
  /** Requests sent, answered or not (a load generator that stops at a deadline leaves some unanswered); absent: requests + errors. */
  sent?: number;
  /** Every answered request's latency in ms, ascending (kept to pool several rounds'; not printed). */
  latencies?: readonly number[];
}

/** The q-quantile (0..1) of latencies sorted ascending (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function statsOf(latencies: number[], seconds: number, errors: number): RunStats {
  const sorted = Float64Array.from(latencies).sort();
  const list = Array.from(sorted);
  return { rps: latencies.length / seconds, p50: quantile(list, 0.5), p95: quantile(list, 0.95), p99: quantile(list, 0.99), requests: latencies.length, errors, latencies: list };
}

/**
 * The q-quantile of every request of several rounds together: a tail that one round had and the
 * others not counts by its requests, where the median of the rounds' p99s would pass over it.
 * NaN when a round kept no latencies.
 */
export function pooledQuantile(runs: readonly RunStats[], q: number): number {
  if (!runs.length || runs.some((r) => !r.latencies)) return Number.NaN;
  const all = Float64Array.from(runs.flatMap((r) => r.latencies!)).sort();
  return quantile(Array.from(all), q);
}

/** The median of numbers (the lower middle one for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  return values.length ? medianBy(values, (v) => v) : Number.NaN;
}

/**
 * Several rounds of one path (rounds alternate between gateways) as one: each figure the median
 * of the rounds' figures, so that no single round (the one with the median throughput, say)
 * decides the latencies; errors are the rounds' total. `extra` names further figures to take
 * the median of (e.g. CPU per request) where every round has them.
 */
export function medianRun<R extends RunStats>(runs: readonly R[], extra: readonly Exclude<keyof R, keyof RunStats>[] = []): R & { pooledP99: number } {
  if (!runs.length) throw new Error('medianRun: no rounds');
  const of = (key: keyof R) => median(runs.map((r) => r[key] as number));
  const { latencies: _one, ...first } = runs[0]!;
  const merged = { ...(first as R), pooledP99: pooledQuantile(runs, 0.99), rps: of('rps'), p50: of('p50'), p95: of('p95'), p99: of('p99'), requests: of('requests'), errors: runs.reduce((n, r) => n + r.errors, 0) };
  for (const key of extra) {
    if (runs.every((r) => typeof r[key] === 'number')) (merged as Record<keyof R, unknown>)[key] = of(key);
    else delete (merged as Partial<R>)[key];
  }
  return merged;
}

/** The one of several whose `key` is the median (the lower of the two middle ones for an even count). */
export function medianBy<T>(items: readonly T[], key: (item: T) => number): T {
  if (!items.length) throw new Error('medianBy: nothing to take the median of');
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
