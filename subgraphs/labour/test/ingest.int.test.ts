import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeResidentId } from '@saf/identity';
import { ANALYZE_MIN_ROWS } from '@saf/department';
import { ingest, startSubgraph, type StartedSubgraph } from '@saf/testing';
import { createServer } from '../src/server.ts';

const award = (i: number) => ({
  type: 'award',
  id: `LA-${i}`,
  department: 'LABOUR',
  programme: 'UNEMPLOYMENT_INSURANCE',
  personId: makeResidentId('654021', '1980-01-01', i % 1000),
  householdId: `H${i}`,
  regionCode: '654021',
  amountFen: 1200,
  frequency: 'MONTHLY',
  startDate: '2024-01-01',
  endDate: null,
  status: 'ACTIVE',
  details: { months: 12 },
});

describe('labour ingest', () => {
  let sg: StartedSubgraph;
  beforeAll(async () => {
    sg = await startSubgraph('labour', createServer, new URL('../', import.meta.url));
  });
  afterAll(() => sg?.stop());

  const analysed = () => sg.queries.filter((q) => /^ANALYZE "awards"/.test(q));

  it('refreshes the awards table’s statistics after a large load has answered, and not after a small one', async () => {
    expect(await ingest(sg, [award(0)])).toMatchObject({ status: 200, counts: { award: 1 } });
    const records = Array.from({ length: ANALYZE_MIN_ROWS }, (_, i) => award(i + 1));
    expect(await ingest(sg, records)).toMatchObject({ status: 200, counts: { award: ANALYZE_MIN_ROWS } });
    await expect.poll(analysed, { timeout: 10_000 }).toHaveLength(1);
    expect(analysed()[0]).toMatch(/\("person_id", "household_id", "region_code", "programme", "status"\)/);
    // The same load again changes no row: nothing to analyse.
    expect(await ingest(sg, records)).toMatchObject({ status: 200, counts: { award: 0 } });
    expect(await ingest(sg, [award(0)])).toMatchObject({ status: 200 });
    expect(analysed()).toHaveLength(1);
  });
});
