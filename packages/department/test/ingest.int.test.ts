import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '@saf/db';
import { createTestDatabase, type TestDatabase, type TestDbMode } from '@saf/testing';
import type { InterchangeRecord } from '@saf/interchange';
import { ANALYZE_MIN_ROWS, awardKind, refreshStatistics, stage } from '../src/ingest.ts';
import { awards } from '../src/schema.ts';

// Any department's migrations create the shared award table.
const MIGRATIONS = fileURLToPath(new URL('../../../subgraphs/labour/drizzle', import.meta.url));

describe.each<TestDbMode>(['postgres', 'pglite'])('planner statistics after a large load (%s)', (mode) => {
  let database: TestDatabase;
  let next = 0;
  beforeAll(async () => {
    database = await createTestDatabase('ingest_statistics', MIGRATIONS, { mode });
    // Only the refresh under test may analyse the table.
    await database.db.execute(sql`ALTER TABLE awards SET (autovacuum_enabled = false)`);
  });
  afterAll(() => database?.dispose());

  async function insert(count: number): Promise<void> {
    const rows = Array.from({ length: count }, () => {
      next += 1;
      return { id: `A-${next}`, programme: 'UNEMPLOYMENT_INSURANCE', personId: `P${next}`, householdId: `H${next % 500}`, regionCode: '654002', amountFen: 100, frequency: 'MONTHLY', startDate: '2024-01-01', status: 'ACTIVE' };
    });
    for (let i = 0; i < rows.length; i += 1000) await database.db.insert(awards).values(rows.slice(i, i + 1000));
  }
  const reltuples = async () => Number((await rowsOf<{ reltuples: number }>(database.db, sql`SELECT reltuples FROM pg_class WHERE oid = 'awards'::regclass`))[0]!.reltuples);

  it('analyses the table when a load wrote at least 1,000 rows and a tenth of what it held, and not otherwise', async () => {
    expect(await reltuples()).toBeLessThanOrEqual(0); // never analysed
    await insert(ANALYZE_MIN_ROWS - 1);
    expect(await refreshStatistics(database.db, [awardKind], { award: ANALYZE_MIN_ROWS - 1 })).toEqual([]);
    expect(await reltuples()).toBeLessThanOrEqual(0);
    await insert(1);
    expect(await refreshStatistics(database.db, [awardKind], { award: ANALYZE_MIN_ROWS })).toEqual(['awards']);
    expect(await reltuples()).toBe(ANALYZE_MIN_ROWS);
    // 10,000 more: ten times what it held.
    await insert(10_000);
    expect(await refreshStatistics(database.db, [awardKind], { award: 10_000 })).toEqual(['awards']);
    expect(await reltuples()).toBe(11_000);
    // 1,050 more into 11,000: less than a tenth; autovacuum's business.
    await insert(1050);
    expect(await refreshStatistics(database.db, [awardKind], { award: 1050 })).toEqual([]);
    expect(await reltuples()).toBe(11_000);
    // Kinds with nothing written are left alone.
    expect(await refreshStatistics(database.db, [awardKind], {})).toEqual([]);
  });
});

describe.each<TestDbMode>(['postgres', 'pglite'])('staging a batch with COPY (%s)', (mode) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('ingest_staging', MIGRATIONS, { mode });
  });
  afterAll(() => database?.dispose());

  const award = (i: number, details: Record<string, unknown> = {}) =>
    ({ type: 'award', id: `A-${i}`, department: 'LABOUR', programme: 'TRAINING_SUBSIDY', personId: `P${i}`, householdId: null, regionCode: '654002', amountFen: 100 + i, frequency: 'ONCE', startDate: '2024-01-01', endDate: null, status: 'ACTIVE', details }) as InterchangeRecord;
  const staged = async (loadId: string) =>
    (await rowsOf<{ line: number; kind: string; payload: unknown }>(database.db, sql`SELECT line, kind, payload FROM ingest_staging WHERE load_id = ${loadId} ORDER BY line`)).map((r) => ({ ...r, line: Number(r.line) }));

  it('stores each record exactly as validated, whatever its text holds', async () => {
    // Backslashes, quotes, tabs, line ends and 中文 in a value: COPY's escapes and JSON's both.
    const records = [award(1), award(2, { course: '焊工 C:\\培训\\"高级"\tb\nc\r', hours: 40 }), award(3)].map((record, i) => ({ line: i + 7, record }));
    await stage(database, 'copy-1', records);
    expect(await staged('copy-1')).toEqual(records.map(({ line, record }) => ({ line, kind: 'award', payload: record })));
  });

  it('replaces a batch staged again (a retry whose answer was lost) instead of failing', async () => {
    const first = [1, 2].map((i) => ({ line: i, record: award(i) }));
    await stage(database, 'copy-2', first);
    const again = [1, 2].map((i) => ({ line: i, record: award(i + 10) }));
    await stage(database, 'copy-2', again);
    expect((await staged('copy-2')).map((r) => r.payload)).toEqual([award(11), award(12)]);
  });

  it('copies every row or none, and the database goes on answering after a refused COPY', async () => {
    const bad = Buffer.from('copy-3\t1\taward\t{}\ncopy-3\tnot-a-line\taward\t{}\n');
    await expect(database.copyIn('ingest_staging', ['load_id', 'line', 'kind', 'payload'], bad)).rejects.toMatchObject({ code: '22P02' });
    expect(await staged('copy-3')).toEqual([]);
    for (let i = 0; i < 12; i++) await database.copyIn('ingest_staging', ['load_id', 'line', 'kind', 'payload'], Buffer.from(`copy-4\t${i}\taward\t{}\n`));
    expect(await staged('copy-4')).toHaveLength(12);
  });
});
