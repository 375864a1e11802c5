import { describe, expect, it } from 'vitest';
import { enforcementRows, heavyRows, p99RoundsLower, perRound, renderTable, resultFileName, type Results } from '../lib/report.ts';
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
    expect(table).toContain('| throughput ours ÷ Hive (the anchor), c=32 |  | round by round 0.86×, 1.22×, 0.87× |');
    expect(table).toContain('| p99 ours < Hive |  | not at c=1 (rounds where ours was lower: c=1 0 of 3, c=32 2 of 3) |');
    expect(table).toContain('| sweep ÷ monolith time |  | round by round 7.40×, 7.56×, 6.23× |  |  |  | 7.56× | ≤ 5× in every round: **missed** |');
  });

  it('prints requests per gateway CPU-second and the p99 of all rounds’ requests pooled beside the rounds’ median', () => {
    const ours = [{ ...run(50, 300), gatewayCpuMs: 8 }, { ...run(55, 200), gatewayCpuMs: 8 }];
    const hive = [{ ...run(40, 400), gatewayCpuMs: 12.5 }, { ...run(45, 350), gatewayCpuMs: 12.5 }];
    const table = renderTable(
      results(
        [{ concurrency: 10, runs: { ours: { ...ours[0]!, pooledP99: 280, systemCpuMs: 30, subgraphRequests: 8 }, hive: { ...hive[0]!, pooledP99: 390 } }, rounds: { ours, hive } }],
        [8],
        [1],
      ),
    );
    expect(table).toContain('| household picture, c=10 | ours | 50 req/s, gateway CPU 8.0 ms/req (125 req per gateway CPU-second), CPU of every process 30.0 ms/picture, 8.0 subgraph requests/picture; p99 of all rounds\' requests pooled 280.0 ms |');
    expect(table).toContain('| household picture, c=10 | Hive | 40 req/s, gateway CPU 12.5 ms/req (80 req per gateway CPU-second); p99 of all rounds\' requests pooled 390.0 ms |');
    expect(table).toContain("all rounds' requests pooled: c=10 280.0 vs 390.0 ms");
  });

  it('sets the targets against Hive Router’s planner when it answered completely, else against Hive', () => {
    const rounds = { ours: [run(60, 500), run(60, 500)], hive: [run(50, 400), run(50, 400)], router: [run(70, 600), run(70, 600)] };
    const r = results([{ concurrency: 32, runs: { ours: run(60, 500), hive: run(50, 400), router: run(70, 600) }, rounds }], [8], [1]);
    r.completeness = { hive: { checked: 40, complete: 0, awardsSeen: 178, awardsExpected: 693 }, router: { checked: 40, complete: 40, awardsSeen: 693, awardsExpected: 693 } };
    let table = renderTable(r);
    expect(table).toContain('| throughput ours ÷ Hive + Router planner (the anchor), c=32 |  | round by round 0.86×, 0.86× |  |  |  | 0.86× | ≥ 1×: **missed** |');
    expect(table).toMatch(/\| throughput ours ÷ Hive, c=32 \|.*\| 1\.20× \| none: not the anchor/);
    expect(table).toMatch(/\| p99 ours < Hive \|.*\| none: not the anchor/);
    expect(table).toMatch(/\| p99 ours < Hive \+ Router planner \|  \| at every concurrency .*\| lower: met \|/);
    r.completeness.router = { checked: 40, complete: 39, awardsSeen: 690, awardsExpected: 693 };
    table = renderTable(r);
    expect(table).toContain('| throughput ours ÷ Hive (the anchor), c=32 |  | round by round 1.20×, 1.20× |  |  |  | 1.20× | ≥ 1×: met |');
    expect(table).toMatch(/\| p99 ours < Hive \|.*\| lower: \*\*missed\*\* \|/);
  });

  it('judges the sweep against 5× in every round, and prints the floor of a sweep by streams beside it', () => {
    const r = results([], [4.4, 4.6, 5.2], [1, 1, 1]);
    expect(renderTable(r)).toContain('| 4.60× | ≤ 5× in every round: **missed** |');
    r.sweep.rounds = [4.4, 4.6, 4.9];
    expect(renderTable(r)).toContain('| 4.60× | ≤ 5× in every round: met |');
    r.stream = { seconds: 2.1, findings: 111, awards: 20000, persons: 6000, outside: 3, rounds: [2.0, 2.1, 2.5] };
    const table = renderTable(r);
    expect(table).toContain('2100 ms, the median of rounds 2000 ms, 2100 ms, 2500 ms; 111 findings of 20,000 awards, 6,000 persons; 3 awards of those persons under other regions not in the streams');
    expect(table).toContain('| stream floor ÷ monolith time |  | round by round 2.00×, 2.10×, 2.50× |  |  |  | 2.10× | what a sweep by streams could reach at best |');
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

describe('the picture with and without sharing enforcement', () => {
  it('shows both side by side, their medians and on ÷ off, round by round too', () => {
    const run = (p50: number, p99: number) => ({ rps: 100, p50, p95: p99, p99, requests: 800, errors: 0, pooledP99: p99 + 1 });
    const lines: string[] = [];
    enforcementRows({ concurrency: 10, on: run(22, 60), off: run(20, 50), rounds: [{ p50: 1.1, p99: 1.2 }, { p50: 1.05, p99: 1.1 }] }, lines);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('ours, enforcing');
    expect(lines[1]).toContain('SHARING_ENFORCEMENT=off');
    expect(lines[2]).toContain('p50 1.10×, p99 1.20×');
    expect(lines[2]).toContain('1.10/1.20, 1.05/1.10');
  });
});
