import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SWEEP_BATCH, SWEEP_AWARD_COLUMNS, SWEEP_HOUSEHOLD_COLUMNS, SWEEP_PERSON_COLUMNS } from '@saf/interchange';
import { createLogger } from '@saf/service';
import { createTestDatabase, type TestDatabase } from '@saf/testing';
import type { Caller } from '@saf/auth';
import { sweepById } from '../src/db/sweeps.ts';
import type { GraphClient } from '../src/graph.ts';
import { AWARD_FIELDS } from '../src/requires.ts';
import { RuleSetStore } from '../src/rules.ts';
import { SWEEP_PAGE_MAX_IDS, SweepRunner } from '../src/sweep.ts';

const MIGRATIONS = fileURLToPath(new URL('../drizzle', import.meta.url));
const COORDINATOR: Caller = { sub: 'coordinator-1', role: 'COORDINATOR' } as Caller;
interface Asked {
  query: string;
  variables: Record<string, unknown>;
  caller: Caller;
  purpose: string | null;
}

const PLANNED = ['H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'H7'];

/**
 * The graph as civil affairs and the departments would answer a sweep of seven households whose
 * plan cut them into pages of 2, 2 and 3 (as an id budget would), with `registered` added since
 * the plan: what the runner asks is recorded.
 */
function plannedGraph(asked: Asked[], registered: string[] = []): GraphClient {
  const HOUSEHOLDS = [...PLANNED, ...registered].sort();
  return {
    async request<T>(query: string, variables: Record<string, unknown>, caller: Caller, purpose: string | null): Promise<T> {
      asked.push({ query, variables, caller, purpose });
      if (query.includes('_internalSweepPlan')) return { _internalSweepPlan: { totalCount: 7, householdIds: ['H2', 'H4'], pageSizes: [2, 2, 3] } } as T;
      const after = variables.after as string | null;
      const from = after === null ? 0 : HOUSEHOLDS.indexOf(after) + 1;
      const until = (variables.until as string | null | undefined) ?? null;
      const range = HOUSEHOLDS.slice(from).filter((h) => until === null || h <= until);
      const page = range.slice(0, variables.first as number);
      const empty = Object.fromEntries(Object.keys(AWARD_FIELDS).map((f) => [f, { columns: SWEEP_AWARD_COLUMNS, rows: [] }]));
      return {
        _internalSweepBatch: {
          hasNextPage: page.length < range.length,
          endCursor: page.at(-1) ?? null,
          householdIds: page,
          households: { columns: SWEEP_HOUSEHOLD_COLUMNS, rows: page.map((h) => [h, '654002001']) },
          persons: { columns: SWEEP_PERSON_COLUMNS, rows: page.map((h) => [`P-${h}`, h, '甲', 'MALE', '1960-01-01', null]) },
          ...empty,
        },
      } as T;
    },
  };
}

describe('a sweep follows its plan', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('coordination_sweep', MIGRATIONS);
  });
  afterAll(() => database?.dispose());

  it('asks for the plan with an id budget, then each page from its start with its planned number of households, each as the caller with their purpose', async () => {
    const asked: Asked[] = [];
    const runner = new SweepRunner(database.db, plannedGraph(asked), new RuleSetStore(database.db), createLogger('coordination', 'silent'), 1000);
    const sweep = await runner.start('6540', COORDINATOR, 'SWEEP');
    await runner.idle();
    expect(asked[0]!.variables).toEqual({ region: '6540', pageSize: 1000, maxIds: SWEEP_PAGE_MAX_IDS });
    // Each page up to the next one's start; the last by its planned size.
    expect(asked.slice(1).map((a) => [a.variables.after, a.variables.until, a.variables.first])).toEqual([
      [null, 'H2', MAX_SWEEP_BATCH],
      ['H2', 'H4', MAX_SWEEP_BATCH],
      ['H4', null, 3],
    ]);
    expect(await sweepById(database.db, sweep.id)).toMatchObject({ status: 'DONE', householdsTotal: 7, householdsChecked: 7, personsChecked: 7 });
    expect(asked.map((a) => [a.caller, a.purpose])).toEqual(asked.map(() => [COORDINATOR, 'SWEEP']));
  });

  it('checks households registered inside a planned page or past the end since the plan, and skips none', async () => {
    const asked: Asked[] = [];
    // H3a inside the second page's range, H8 past the last page.
    const runner = new SweepRunner(database.db, plannedGraph(asked, ['H3a', 'H8']), new RuleSetStore(database.db), createLogger('coordination', 'silent'), 1000);
    const sweep = await runner.start('6540', COORDINATOR, 'SWEEP');
    await runner.idle();
    expect(await sweepById(database.db, sweep.id)).toMatchObject({ status: 'DONE', householdsChecked: 9, personsChecked: 9 });
  });
});
