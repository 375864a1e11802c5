import { describe, expect, it } from 'vitest';
import { monolithPictureScript, pictureDifference } from '../lib/monolithPicture.ts';
import { backendOf, backendsCpuByDatabase, backendsCpuSince } from '../lib/processes.ts';
import { renderTable, type Results } from '../lib/report.ts';
import type { RunStats } from '../lib/stats.ts';

describe('the monolith picture', () => {
  it('copies households before persons before awards, each department’s awards under its own name', () => {
    const script = monolithPictureScript([
      { service: 'labour', table: 'awards', file: '/t/l.csv', rows: 1 },
      { service: 'labour', table: 'incomes', file: '/t/i.csv', rows: 1 },
      { service: 'civil-affairs', table: 'persons', file: '/t/p.csv', rows: 1 },
      { service: 'civil-affairs', table: 'households', file: '/t/h.csv', rows: 1 },
      { service: 'civil-affairs', table: 'awards', file: '/t/c.csv', rows: 1 },
    ]);
    const copies = script.split('\n').filter((l) => l.startsWith('\\copy') || l.includes('SET DEFAULT'));
    expect(copies.map((l) => l.match(/'([^']+)'/)?.[1])).toEqual(['/t/h.csv', '/t/p.csv', 'LABOUR', '/t/l.csv', 'CIVIL_AFFAIRS', '/t/c.csv']);
    expect(script).not.toContain('/t/i.csv');
  });

  it('finds two answers the same picture whatever the order, and names the first difference', () => {
    const award = (id: string, department: string, amountFen = 100) => ({ id, department, programme: 'DIBAO', personId: 'p1', amountFen, frequency: 'MONTHLY', startDate: '2025-01-01', endDate: null, status: 'ACTIVE' });
    const household = (awards: ReturnType<typeof award>[], members = [{ id: 'p1', name: '甲' }, { id: 'p2', name: '乙' }]) => ({ data: { household: { id: 'h1', regionCode: '654002', members, awards } } }) as never;
    const a = household([award('1', 'LABOUR'), award('1', 'HEALTH')]);
    expect(pictureDifference(a, household([award('1', 'HEALTH'), award('1', 'LABOUR')], [{ id: 'p2', name: '乙' }, { id: 'p1', name: '甲' }]))).toBeNull();
    expect(pictureDifference(a, household([award('1', 'LABOUR'), award('1', 'HEALTH', 200)]))).toBe('awards HEALTH:1.amountFen: 100 ≠ 200');
    expect(pictureDifference(a, household([award('1', 'LABOUR')]))).toBe('awards: 2 ≠ 1');
    expect(pictureDifference(a, household([award('1', 'LABOUR'), award('2', 'HEALTH')]))).toBe('awards: HEALTH:1 missing');
  });
});

describe('the CPU of every process of a path', () => {
  it('counts the backends of the bench’s databases by their process title', () => {
    expect(backendOf('postgres: 15/main: postgres saf_bench_ab12cd_labour 127.0.0.1(41234) idle\0', 'saf_bench_ab12cd')).toBe('saf_bench_ab12cd_labour');
    expect(backendOf('postgres: postgres saf_bench_ab12cd_picture [local] SELECT', 'saf_bench_ab12cd')).toBe('saf_bench_ab12cd_picture');
    expect(backendOf('postgres: 15/main: postgres saf_test_1 127.0.0.1(41234) idle', 'saf_bench_ab12cd')).toBeNull();
    expect(backendOf('postgres: 15/main: walwriter', 'saf_bench_ab12cd')).toBeNull();
    expect(backendOf('/usr/lib/postgresql/15/bin/postgres -D saf_bench_ab12cd', 'saf_bench_ab12cd')).toBeNull();
  });

  it('adds each backend’s difference, one started in between from nothing', () => {
    expect(backendsCpuSince(new Map([[1, 100], [2, 50]]), new Map([[1, 130], [2, 50], [3, 20]]))).toBe(50);
    const b = (database: string, ms: number) => ({ database, ms });
    expect(backendsCpuByDatabase(new Map([[1, b('x_labour', 100)], [2, b('x_labour', 50)]]), new Map([[1, b('x_labour', 130)], [2, b('x_labour', 60)], [3, b('x_health', 20)]]))).toEqual(new Map([['x_labour', 40], ['x_health', 20]]));
  });

  it('sets ours against the monolith per picture, with the others beside it', () => {
    const run = (systemCpuMs: number): RunStats & { systemCpuMs: number } => ({ rps: 50, p50: 10, p95: 20, p99: 30, requests: 400, errors: 0, systemCpuMs });
    const table = renderTable({
      completeness: {},
      picture: [{ concurrency: 10, runs: { ours: run(30), hive: run(27), monolith: run(5) }, rounds: { ours: [run(30), run(32)], monolith: [run(5), run(8)] } }],
      sweep: { seconds: 0 },
      load: { seconds: 0 },
      capacity: [],
      memory: { after: {} },
    } as unknown as Results);
    expect(table).toContain('CPU of every process 30.0 ms/picture');
    expect(table).toContain('| CPU per picture, every process: ours ÷ monolith, c=10 |  | round by round 6.00×, 4.00×; the others ÷ monolith: Hive 5.40× |  |  |  | 6.00× | ≤ 4×: **missed** |');
  });
});

describe('subgraph requests per picture', () => {
  it('counts a service’s GraphQL requests of every status from its metrics, nothing else', async () => {
    const { graphqlRequests } = await import('../lib/requests.ts');
    const text = [
      '# TYPE saf_http_requests_total counter',
      'saf_http_requests_total{service="labour",route="/graphql",method="POST",status="200"} 120',
      'saf_http_requests_total{service="labour",route="/graphql",method="POST",status="401"} 3',
      'saf_http_requests_total{service="labour",route="/metrics",method="GET",status="200"} 7',
      'saf_http_requests_total{service="labour",route="/witness",method="POST",status="200"} 2',
      'saf_http_request_duration_seconds_count{service="labour",route="/graphql"} 123',
    ].join('\n');
    expect(graphqlRequests(text)).toBe(123);
    expect(graphqlRequests('')).toBe(0);
  });
});
