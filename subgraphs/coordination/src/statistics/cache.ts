import type { Department } from '@saf/programmes';
import { metric, type Logger } from '@saf/service';
import { Counter, Gauge } from 'prom-client';
import type { Versions } from './versions.ts';

/** Figures kept at most by default (STATISTICS_CACHE_ENTRIES): about a dozen per province and date asked about. */
export const DEFAULT_CACHE_ENTRIES = 256;

/**
 * How long a request waits for figures being computed by default (STATISTICS_WAIT_MS): well under
 * the gateway's deadline for this subgraph (SUBGRAPH_TIMEOUT_MS, 10 s), so that a long computation
 * gives its callers a prompt `STATISTICS_COMPUTING` rather than time-outs that would open the
 * gateway's breaker for coordination (and fail caseworkers' household pictures with it). Half the
 * deadline: with 8 s, answers on a busy two-core host still reached the gateway after its 10 s.
 */
export const DEFAULT_WAIT_MS = 5000;

/** A figure as served: the exact value and when it was computed (the data as of then). */
export interface Computed<T> {
  value: T;
  asOf: string;
}

/** What a computation gives: its value, and whether every department it needs answered. */
export interface Outcome<T> {
  value: T;
  complete: boolean;
}

/** Computes a figure from the departments' data as of `versions`. */
export type Compute<T> = (versions: Versions) => Promise<Outcome<T>>;

interface Entry {
  figure: string;
  deps: readonly Department[];
  /** The versions of `deps` the value was computed from. */
  stamp: string;
  promise: Promise<Computed<unknown>>;
  settled: boolean;
  lastRead: number;
  compute: Compute<unknown>;
}

const figureRequests = metric(
  'saf_statistics_figures_total',
  () =>
    new Counter({
      name: 'saf_statistics_figures_total',
      help: 'Statistics figures asked for, by figure and outcome: computed (a new computation), joined (one already in flight), cached (computed before from the same data), refreshed (recomputed in the background after a load), uncached (a department did not answer: computed, not kept).',
      labelNames: ['figure', 'outcome'] as const,
    }),
);
const cachedFigures = metric('saf_statistics_cached_figures', () => new Gauge({ name: 'saf_statistics_cached_figures', help: 'Figures the coordination office keeps computed (STATISTICS_CACHE_ENTRIES at most).' }));

/** The versions of the departments a figure depends on, or null when one of them did not say. */
function stampOf(deps: readonly Department[], versions: Versions): string | null {
  const parts: string[] = [];
  for (const d of deps) {
    const v = versions.get(d);
    if (v === undefined) return null;
    parts.push(`${d}=${v}`);
  }
  return parts.join(' ');
}

/**
 * The figures the coordination office keeps computed, by key (what, where, when), each with the
 * data versions of the departments it was computed from. A figure is served as kept while those
 * versions are unchanged, so it is always exact for the data as it is; otherwise it is computed
 * again. The same figure asked while it is being computed joins that computation (single flight:
 * eight identical requests at once cost one computation). At most `maxEntries` are kept, the least
 * recently read dropped first; a failed or incomplete computation is not kept. Values live in
 * this process's memory only.
 */
export class FigureCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get<T>(figure: string, key: string, deps: readonly Department[], versions: Versions, compute: Compute<T>): Promise<Computed<T>> {
    const stamp = stampOf(deps, versions);
    if (stamp === null) {
      figureRequests.inc({ figure, outcome: 'uncached' });
      const asOf = new Date(this.now()).toISOString();
      return compute(versions).then((o) => ({ value: o.value, asOf }));
    }
    const entry = this.entries.get(key);
    if (entry && entry.stamp === stamp) {
      entry.lastRead = this.now();
      this.touch(key, entry);
      figureRequests.inc({ figure, outcome: entry.settled ? 'cached' : 'joined' });
      return entry.promise as Promise<Computed<T>>;
    }
    figureRequests.inc({ figure, outcome: 'computed' });
    return this.start(key, { figure, deps, stamp, lastRead: this.now(), compute: compute as Compute<unknown> }, versions).promise as Promise<Computed<T>>;
  }

  private start(key: string, e: Omit<Entry, 'promise' | 'settled'>, versions: Versions): Entry {
    const asOf = new Date(this.now()).toISOString();
    const entry: Entry = { ...e, settled: false, promise: Promise.resolve(null as never) };
    entry.promise = e.compute(versions).then(
      (outcome) => {
        entry.settled = true;
        if (!outcome.complete) this.drop(key, entry);
        return { value: outcome.value, asOf };
      },
      (err: unknown) => {
        this.drop(key, entry);
        throw err;
      },
    );
    entry.promise.catch(() => {}); // Reported to whoever awaits it.
    this.touch(key, entry);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    cachedFigures.set(this.entries.size);
    return entry;
  }

  /** Moves an entry to the most recently used end. */
  private touch(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  private drop(key: string, entry: Entry): void {
    if (this.entries.get(key) === entry) this.entries.delete(key);
    cachedFigures.set(this.entries.size);
  }

  /**
   * Recomputes, one after another, the figures read within the last `warmMs` whose departments'
   * data changed (most recently read first), so that the next request finds them computed. A
   * request for one of them meanwhile joins its computation. Returns how many were recomputed.
   */
  async refresh(versions: Versions, warmMs: number, log: Logger): Promise<number> {
    const since = this.now() - warmMs;
    const stale = [...this.entries]
      .filter(([, e]) => e.settled && e.lastRead >= since)
      .map(([key, e]) => ({ key, e, stamp: stampOf(e.deps, versions) }))
      .filter(({ e, stamp }) => stamp !== null && stamp !== e.stamp)
      .sort((a, b) => b.e.lastRead - a.e.lastRead);
    let done = 0;
    for (const { key, e, stamp } of stale) {
      const current = this.entries.get(key);
      if (current && current.stamp === stamp) continue; // a request got there first
      figureRequests.inc({ figure: e.figure, outcome: 'refreshed' });
      const entry = this.start(key, { figure: e.figure, deps: e.deps, stamp: stamp!, lastRead: e.lastRead, compute: e.compute }, versions);
      try {
        await entry.promise;
        done++;
      } catch (err) {
        log.warn({ err: (err as Error).message, figure: e.figure }, 'a statistics figure was not recomputed after a load; the next request computes it');
      }
    }
    return done;
  }

  get size(): number {
    return this.entries.size;
  }
}
