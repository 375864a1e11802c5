/**
 * Counts over a sliding time window, kept in `buckets` slices so old events fall out as time
 * passes (the breaker's failure rate, the retry budget's share of retries).
 */
export class RollingCounts<K extends string> {
  private readonly slice: number;
  private readonly counts: Record<K, number>[];
  private readonly starts: number[];

  constructor(
    private readonly keys: readonly K[],
    windowMs: number,
    private readonly now: () => number = Date.now,
    buckets = 10,
  ) {
    this.slice = Math.max(1, Math.ceil(windowMs / buckets));
    this.counts = Array.from({ length: buckets }, () => this.empty());
    this.starts = Array.from({ length: buckets }, () => -Infinity);
  }

  private empty(): Record<K, number> {
    return Object.fromEntries(this.keys.map((k) => [k, 0])) as Record<K, number>;
  }

  add(key: K, n = 1): void {
    const t = this.now();
    const start = t - (t % this.slice);
    const i = Math.floor(t / this.slice) % this.counts.length;
    if (this.starts[i] !== start) {
      this.starts[i] = start;
      this.counts[i] = this.empty();
    }
    this.counts[i]![key] += n;
  }

  /** Sums of the slices still inside the window. */
  totals(): Record<K, number> {
    const oldest = this.now() - this.slice * this.counts.length;
    const sum = this.empty();
    this.counts.forEach((c, i) => {
      if (this.starts[i]! > oldest) for (const k of this.keys) sum[k] += c[k];
    });
    return sum;
  }

  reset(): void {
    this.starts.fill(-Infinity);
  }
}
