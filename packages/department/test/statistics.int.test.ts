import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase, type TestDatabase } from '@saf/testing';
import { awards } from '../src/schema.ts';
import { programmeAggregates, programmeRecipients, todayInChina } from '../src/statistics.ts';

// Any department's migrations create the shared award table.
const MIGRATIONS = fileURLToPath(new URL('../../../subgraphs/labour/drizzle', import.meta.url));

type Award = typeof awards.$inferInsert;
let n = 0;
function award(extra: Partial<Award>): Award {
  n += 1;
  return {
    id: `A-${n}`,
    programme: 'UNEMPLOYMENT_INSURANCE',
    personId: `P${n}`,
    householdId: `H${n}`,
    regionCode: '654002',
    amountFen: 100,
    frequency: 'MONTHLY',
    startDate: '2024-01-01',
    endDate: null,
    status: 'ACTIVE',
    ...extra,
  };
}

describe('award aggregates in SQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('statistics', MIGRATIONS);
  });
  afterAll(() => database?.dispose());

  async function reset(rows: Award[]) {
    await database.db.delete(awards);
    if (rows.length) await database.db.insert(awards).values(rows);
  }

  it('counts an award ending on the date and not one that ended the day before', async () => {
    await reset([
      award({ personId: 'ON', endDate: '2024-06-30' }),
      award({ personId: 'BEFORE', endDate: '2024-06-29' }),
      award({ personId: 'STARTS', startDate: '2024-06-30' }),
      award({ personId: 'LATER', startDate: '2024-07-01' }),
      award({ personId: 'OPEN', endDate: null }),
      award({ personId: 'ENDED', status: 'ENDED', endDate: '2024-12-31' }),
      award({ personId: 'SUSPENDED', status: 'SUSPENDED' }),
      award({ personId: 'PENDING', status: 'PENDING' }),
      award({ personId: 'REJECTED', status: 'REJECTED' }),
      award({ personId: 'ONCE_TODAY', frequency: 'ONCE', startDate: '2024-06-30', endDate: null }),
      award({ personId: 'ONCE_BEFORE', frequency: 'ONCE', startDate: '2024-06-29', endDate: null }),
      award({ personId: 'ONCE_SPAN', frequency: 'ONCE', startDate: '2024-06-01', endDate: '2024-06-30' }),
    ]);
    const recipients = await programmeRecipients(database.db, { prefix: '65', date: '2024-06-30' });
    expect(recipients.map((r) => r.personId).sort()).toEqual(['ENDED', 'ON', 'ONCE_SPAN', 'ONCE_TODAY', 'OPEN', 'STARTS']);
    const [row] = await programmeAggregates(database.db, '65', '2024-06-30');
    expect(row).toEqual({ programme: 'UNEMPLOYMENT_INSURANCE', regionCode: '654002', beneficiaries: 6, households: 6, amountFen: '600' });
  });

  it('groups by programme and county under the prefix, counting distinct persons and households', async () => {
    await reset([
      award({ personId: 'A', householdId: 'H1', regionCode: '654002001', amountFen: 1 }),
      award({ personId: 'A', householdId: 'H1', regionCode: '654002002', amountFen: 2 }),
      award({ personId: 'B', householdId: 'H1', regionCode: '654002', amountFen: 4 }),
      award({ personId: 'C', householdId: null, regionCode: '654002', amountFen: 8 }),
      award({ personId: 'D', householdId: 'H2', regionCode: '654003', amountFen: 16 }),
      award({ personId: 'E', householdId: 'H3', regionCode: '654002', amountFen: 32, programme: 'PUBLIC_WELFARE_JOB' }),
      award({ personId: 'F', householdId: 'H4', regionCode: '652301', amountFen: 64 }),
    ]);
    expect(await programmeAggregates(database.db, '6540', '2024-06-30')).toEqual([
      { programme: 'PUBLIC_WELFARE_JOB', regionCode: '654002', beneficiaries: 1, households: 1, amountFen: '32' },
      { programme: 'UNEMPLOYMENT_INSURANCE', regionCode: '654002', beneficiaries: 3, households: 1, amountFen: '15' },
      { programme: 'UNEMPLOYMENT_INSURANCE', regionCode: '654003', beneficiaries: 1, households: 1, amountFen: '16' },
    ]);
    expect(await programmeAggregates(database.db, '654002001', '2024-06-30')).toEqual([
      { programme: 'UNEMPLOYMENT_INSURANCE', regionCode: '654002', beneficiaries: 1, households: 1, amountFen: '1' },
    ]);
    const some = await programmeRecipients(database.db, { personIds: ['A', 'E', 'F'], programmes: ['UNEMPLOYMENT_INSURANCE'], date: '2024-06-30' });
    expect(some).toEqual([
      { programme: 'UNEMPLOYMENT_INSURANCE', personId: 'A', householdId: 'H1', regionCode: '654002' },
      { programme: 'UNEMPLOYMENT_INSURANCE', personId: 'F', householdId: 'H4', regionCode: '652301' },
    ]);
  });

  it('sums amounts beyond 2^31 exactly', async () => {
    const max = 2 ** 31 - 1;
    await reset([award({ amountFen: max }), award({ amountFen: max }), award({ amountFen: max })]);
    const [row] = await programmeAggregates(database.db, '6540', '2024-06-30');
    expect(row!.amountFen).toBe((3n * BigInt(max)).toString());
  });

  it('sums amounts beyond 2^53 exactly (4.2 million awards at the largest amount)', async () => {
    const count = 4_194_400; // × (2^31 − 1) > 2^53
    // The same query over 4.2 million generated awards: the table is swapped for a view for the
    // length of this test rather than filled, which would take far longer than the sum itself.
    await database.db.execute(sql`ALTER TABLE awards RENAME TO awards_stored`);
    await database.db.execute(sql.raw(`
      CREATE VIEW awards AS
      SELECT 'BIG-' || g AS id, 'UNEMPLOYMENT_INSURANCE'::text AS programme, 'P' || (g % 1000) AS person_id,
             'H' || (g % 500) AS household_id, '654002'::text AS region_code, 2147483647 AS amount_fen,
             'MONTHLY'::text AS frequency, DATE '2024-01-01' AS start_date, NULL::date AS end_date, 'ACTIVE'::text AS status
      FROM generate_series(1, ${count}) AS g`));
    try {
      const [row] = await programmeAggregates(database.db, '6540', '2024-06-30');
      const expected = BigInt(count) * 2147483647n;
      expect(expected > 2n ** 53n).toBe(true);
      expect(row).toEqual({ programme: 'UNEMPLOYMENT_INSURANCE', regionCode: '654002', beneficiaries: 1000, households: 500, amountFen: expected.toString() });
    } finally {
      await database.db.execute(sql`DROP VIEW awards`);
      await database.db.execute(sql`ALTER TABLE awards_stored RENAME TO awards`);
    }
  }, 120_000);

  it('defaults to today in Beijing time', () => {
    expect(todayInChina(new Date('2024-06-30T17:00:00Z'))).toBe('2024-07-01');
    expect(todayInChina(new Date('2024-06-30T15:59:00Z'))).toBe('2024-06-30');
  });
});
