import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, type TestDbMode } from '@saf/testing';
import { awards } from '../src/schema.ts';
import { sweepAwardRows } from '../src/awards.ts';

// Any department's migrations create the shared award table.
const MIGRATIONS = fileURLToPath(new URL('../../../subgraphs/labour/drizzle', import.meta.url));

type Award = typeof awards.$inferInsert;
const base = { regionCode: '654002', amountFen: 100, frequency: 'MONTHLY', status: 'ACTIVE', programme: 'UNEMPLOYMENT_INSURANCE' } as const;
const rows: Award[] = [
  { ...base, id: 'A-1', personId: 'P1', householdId: 'H1', startDate: '2024-01-01', endDate: '2024-06-30' },
  { ...base, id: 'A-2', personId: 'P2', householdId: null, startDate: '2023-02-28', endDate: null, frequency: 'ONCE', status: 'ENDED' },
  // The household's award to someone not asked for by person: found by household.
  { ...base, id: 'A-3', personId: 'P9', householdId: 'H1', startDate: '2024-03-01', endDate: null },
  // Neither the person nor the household is on the page.
  { ...base, id: 'A-4', personId: 'P8', householdId: 'H8', startDate: '2024-03-01', endDate: null },
];

describe.each<TestDbMode>(['postgres', 'pglite'])('a sweep page’s awards in compact rows (%s)', (mode) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('sweep_rows', MIGRATIONS, { mode });
    await database.db.insert(awards).values(rows);
  });
  afterAll(() => database?.dispose());

  it('gives each award of the persons or households once, as the table holds it: dates as text, nulls as null', async () => {
    const page = await sweepAwardRows(database.db, ['P1', 'P2'], ['H1']);
    expect(page.columns).toEqual(['id', 'programme', 'personId', 'householdId', 'startDate', 'endDate', 'frequency', 'status']);
    expect([...page.rows].sort((a, b) => (a[0]! < b[0]! ? -1 : 1))).toEqual([
      ['A-1', 'UNEMPLOYMENT_INSURANCE', 'P1', 'H1', '2024-01-01', '2024-06-30', 'MONTHLY', 'ACTIVE'],
      ['A-2', 'UNEMPLOYMENT_INSURANCE', 'P2', null, '2023-02-28', null, 'ONCE', 'ENDED'],
      ['A-3', 'UNEMPLOYMENT_INSURANCE', 'P9', 'H1', '2024-03-01', null, 'MONTHLY', 'ACTIVE'],
    ]);
    // The same as drizzle's own mapping of the table's rows.
    const mapped = (await database.db.select().from(awards)).filter((a) => a.id !== 'A-4');
    expect(page.rows.map((r) => r[4])).toEqual(page.rows.map((r) => mapped.find((a) => a.id === r[0])!.startDate));
  });

  it('gives no rows for an empty page', async () => {
    expect((await sweepAwardRows(database.db, [], [])).rows).toEqual([]);
    expect((await sweepAwardRows(database.db, ['nobody'], [])).rows).toEqual([]);
  });
});
