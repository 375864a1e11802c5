import { describe, expect, it } from 'vitest';
import { heavyRows, p99RoundsLower, perRound, renderTable, resultFileName, type Results } from '../lib/report.ts';
import type { RunStats } from '../lib/stats.ts';

describe('the file a benchmark run writes', () => {
  const date = '2026-12-06T02:19:51.271Z';

  it('takes the day’s name, then the first free letter, never an earlier run’s file', () => {
    expect(resultFileName(date, false, () => false)).toBe('2026-12-06.md');
    const taken = new Set(['2026-12-06.md', '2026-12-06b.md']);
    expect(resultFileName(date, false, (n) => taken.has(n))).toBe('2026-12-06c.md');
  });

  it('writes a run that left parts out to the day’s scratch file, and says when the day is full', () => {
    expect(resultFileName(date, true, () => true)).toBe('2026-12-06.partial.tmp');
    expect(() => resultFileName(date, false, () => true)).toThrow(/26 runs of 2026-12-06/);
  });
});

describe('the targets round by round', () => {
  const run = (rps: number, p99: number): RunStats => ({ rps, p50: p99 / 2, p95: p99, p99, requests: rps * 8, errors: 0 });
  const picture = (concurrency: number, ours: RunStats[], hive: RunStats[]): Results['picture'][number] => ({
    concurrency,
    runs: { ours: ours[1]!, hive: hive[1]! },
    rounds: { ours, hive },
  });
  const results = (pictures: Results['picture'], sweep: number[], monolith: number[]): Results =>
    ({
      completeness: {},
      picture: pictures,
      sweep: { persons: 1000, households: 300, seconds: sweep[1] ?? sweep[0]!, findings: 1, rounds: sweep },
      monolith: { seconds: monolith[1] ?? monolith[0]!, matches: 1, expected: 1, rounds: monolith },
      load: { records: 0, seconds: 0, households: 0 },
      copy: { rows: 0, seconds: 0 },
      memory: { atRest: {}, after: {}, settled: {}, end: {} },
      capacity: [],
      notes: [],
    }) as unknown as Results;

  it('sets each round of ours against the same round of the other path', () => {
    const p = picture(32, [run(63, 1335), run(71, 679), run(60, 699)], [run(73, 762), run(58, 2405), run(69, 2086)]);
    expect(perRound(p, 'hive', (o, t) => o.rps / t.rps).map((x) => x.toFixed(2))).toEqual(['0.86', '1.22', '0.87']);
    expect(p99RoundsLower([picture(1, [run(33, 59.9), run(41, 54.1), run(49, 37.8)], [run(35, 43.0), run(41, 43.5), run(43, 36.4)]), p], 'hive')).toBe('c=1 0 of 3, c=32 2 of 3');
    // One round: nothing to pair.
    expect(perRound(picture(1, [run(1, 1)], [run(1, 1)]), 'hive', (o, t) => o.rps / t.rps)).toEqual([]);
  });

  it('prints the rounds beside the medians’ verdicts, the sweep’s paired with the query run after it', () => {
    const table = renderTable(
      results([picture(1, [run(33, 59.9), run(41, 54.1), run(49, 37.8)], [run(35, 43.0), run(41, 43.5), run(43, 36.4)]), picture(32, [run(63, 1335), run(71, 679), run(60, 699)], [run(73, 762), run(58, 2405), run(69, 2086)])], [10.2, 8.1, 8.5], [1.378, 1.072, 1.364]),
    );
    expect(table).toContain('| throughput ours ÷ Hive, c=32 |  | round by round 0.86×, 1.22×, 0.87× |');
    expect(table).toContain('| p99 ours < Hive |  | not at c=1 (rounds where ours was lower: c=1 0 of 3, c=32 2 of 3) |');
    expect(table).toContain('| sweep ÷ monolith time |  | round by round 7.40×, 7.56×, 6.23× |');
  });

  it('pairs each part’s load with the COPY of its rows made right after it', () => {
    const r = results([], [8], [1]);
    r.load = { records: 1000, seconds: 55.8, households: 100, parts: [20, 35.8] };
    r.copy = { rows: 1000, seconds: 15, parts: [5, 10] };
    const table = renderTable(r);
    expect(table).toContain('| load ÷ COPY time |  | part by part 4.00×, 3.58× |  |  |  | 3.72× |');
    expect(table).toContain('rows in 15.0 s: 5.0 s and 10.0 s, each part right after its load)');
    // A run of one part has nothing to pair.
    r.load = { records: 500, seconds: 20, households: 50, parts: [20] };
    r.copy = { rows: 500, seconds: 5, parts: [5] };
    expect(renderTable(r)).toContain('| load ÷ COPY time |  |  |  |  |  | 4.00× |');
  });
});

describe('the picture beside heavy work', () => {
  const stats = (p99: number): RunStats => ({ rps: 50, p50: p99 / 2, p95: p99 * 0.9, p99, errors: 0, requests: 500 }) as RunStats;
  const round = (alone: number, beside: number, limited = 0) => ({ alone: stats(alone), beside: stats(beside), dashboards: { answered: 3, computing: 1, limited, failed: 0 }, sweeps: 1 });

  it('sets each round beside its own round alone, and judges the median ratio against 2×', () => {
    const lines: string[] = [];
    heavyRows([round(100, 150), round(100, 250), round(100, 180)], lines);
    const verdict = lines.at(-1)!;
    expect(verdict).toContain('round by round 1.50×, 2.50×, 1.80×');
    expect(verdict).toContain('| 1.80× | ≤ 2×: met |');
    expect(verdict).toContain('dashboards answered 9, still computing 3, refused by the limits 0, failed 0; sweeps finished 3');
  });

  it('says so when the picture slows more than twice, and counts the dashboards the limits refused', () => {
    const lines: string[] = [];
    heavyRows([round(100, 300, 2), round(100, 210, 1)], lines);
    expect(lines.at(-1)).toContain('**missed**');
    expect(lines.at(-1)).toContain('refused by the limits 3');
  });
});

describe('the payment sweep row', () => {
  it('reports a region-month payment sweep when the run measured one, and nothing when it did not', () => {
    const base = {
      completeness: {}, picture: [], sweep: { persons: 0, households: 0, seconds: 0, findings: 0, rounds: [] }, monolith: { seconds: 0, matches: 0, expected: 0, rounds: [] },
      load: { records: 0, seconds: 0, households: 0 }, copy: { rows: 0, seconds: 0 }, memory: { atRest: {}, after: {}, settled: {}, end: {} }, capacity: [], notes: [],
    } as unknown as Results;
    expect(renderTable(base)).not.toContain('payment sweep');
    const table = renderTable({ ...base, paymentSweep: { period: '2025-06', seconds: 20, households: 34_000, payments: 40_000, findings: 12 } });
    expect(table).toContain('| payment sweep, region-month | ours (coordination via the gateway, 2025-06) | 2,000 payments/s (40,000 payments, 34,000 households in 20.0 s; 12 findings)');
  });
});
