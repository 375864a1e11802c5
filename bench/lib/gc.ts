/**
 * Garbage-collection pauses of a process between two scrapes of its `/metrics` (prom-client's
 * `nodejs_gc_duration_seconds`, by kind): how many, their mean, and the bucket of the longest.
 */
import { type Histogram, histogramSince, quantileBound, readHistogram } from './histogram.ts';

export const GC_KINDS = ['minor', 'major', 'incremental'] as const;
export type GcKind = (typeof GC_KINDS)[number];
export type GcReading = Partial<Record<GcKind, Histogram>>;
export interface GcPauses {
  count: number;
  meanMs: number;
  /** The upper bound of the bucket the longest pause fell in. */
  longestMs: number;
}

export function readGc(text: string): GcReading {
  const reading: GcReading = {};
  for (const kind of GC_KINDS) {
    const h = readHistogram(text, 'nodejs_gc_duration_seconds', `kind="${kind}"`);
    if (h) reading[kind] = h;
  }
  return reading;
}

/** The pauses of each kind between the two readings; kinds without any are left out. */
export function gcSince(before: GcReading | undefined, after: GcReading): Partial<Record<GcKind, GcPauses>> {
  const pauses: Partial<Record<GcKind, GcPauses>> = {};
  for (const kind of GC_KINDS) {
    const h = after[kind] && histogramSince(before?.[kind] ?? null, after[kind]);
    if (h?.count) pauses[kind] = { count: h.count, meanMs: (h.sum / h.count) * 1000, longestMs: quantileBound(h, 1) * 1000 };
  }
  return pauses;
}

/** "minor 250× 4.3 ms, major 4× 31.0 ms (longest ≤ 100 ms)", or "none". */
export function describeGc(pauses: Partial<Record<GcKind, GcPauses>>): string {
  const parts = GC_KINDS.flatMap((k) => {
    const p = pauses[k];
    return p ? [`${k} ${p.count}× ${p.meanMs.toFixed(1)} ms (longest ${Number.isFinite(p.longestMs) ? `≤ ${p.longestMs} ms` : 'beyond the last bucket'})`] : [];
  });
  return parts.join(', ') || 'none';
}
