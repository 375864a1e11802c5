import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '@saf/db';
import { createTestDatabase, type TestDatabase, type TestDbMode } from '@saf/testing';
import { ANALYZE_MIN_ROWS, awardKind, refreshStatistics } from '../src/ingest.ts';
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
