/**
 * A Prometheus histogram read from a `/metrics` text (cumulative buckets), the difference of two
 * readings (what happened between them), and the bucket bound under which a share of it fell.
 */
export interface Histogram {
  /** Upper bounds in seconds with their cumulative counts, ascending; the last is +Inf. */
  buckets: { le: number; count: number }[];
  count: number;
  sum: number;
}

/**
 * The histogram `name` in `text`, or null when the text has none: the unlabelled one, or with
 * `label` (one `key="value"`, as prom-client writes it after `le`) that series of a labelled one.
 */
export function readHistogram(text: string, name: string, label?: string): Histogram | null {
  const buckets: Histogram['buckets'] = [];
  let count: number | null = null;
  let sum = 0;
  const labels = label ? `{${label}}` : '';
  const bucketLine = new RegExp(`^${name}_bucket\\{le="([^"]+)"${label ? `,${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` : ''}\\} (\\S+)$`);
  const countPrefix = `${name}_count${labels} `;
  const sumPrefix = `${name}_sum${labels} `;
  for (const line of text.split('\n')) {
    const bucket = bucketLine.exec(line);
    if (bucket) buckets.push({ le: bucket[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(bucket[1]), count: Number(bucket[2]) });
    else if (line.startsWith(countPrefix)) count = Number(line.slice(countPrefix.length));
    else if (line.startsWith(sumPrefix)) sum = Number(line.slice(sumPrefix.length));
  }
  if (count === null || !buckets.length) return null;
  return { buckets: buckets.sort((a, b) => a.le - b.le), count, sum };
}

/** `after` minus `before`: the observations made between the two readings. */
export function histogramSince(before: Histogram | null, after: Histogram): Histogram {
  if (!before) return after;
  return {
    buckets: after.buckets.map((b) => ({ le: b.le, count: b.count - (before.buckets.find((x) => x.le === b.le)?.count ?? 0) })),
    count: after.count - before.count,
    sum: after.sum - before.sum,
  };
}

/** The smallest bucket bound (seconds) at or under which at least `q` of the observations fell. */
export function quantileBound(h: Histogram, q: number): number {
  if (h.count <= 0) return Number.NaN;
  return h.buckets.find((b) => b.count >= q * h.count)?.le ?? Number.POSITIVE_INFINITY;
}
