import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@saf/testing';
import type { Db } from '@saf/db';
import { findingsByIds, markGone, recordSeen, type FoundFinding } from '../src/db/findings.ts';
import { claimSweep, completeSweep, failSweeps } from '../src/db/sweeps.ts';

const MIGRATIONS = fileURLToPath(new URL('../drizzle', import.meta.url));

function finding(id: string, regionCode = '654002'): FoundFinding {
  return {
    id,
    rule: 'SAME_PROGRAMME_OVERLAP',
    householdId: `H-${id}`,
    regionCode,
    personIds: [`P-${id}`],
    awardIds: [`A-${id}`, `B-${id}`],
    awardKeys: [`HOUSING:A-${id}`, `HOUSING:B-${id}`],
    departments: ['HOUSING'],
    programmes: ['RENTAL_SUBSIDY', 'RENTAL_SUBSIDY'],
    overlapStart: '2024-01-01',
    overlapEnd: null,
    explanation: '同一项目重叠',
    explanationEn: 'same programme overlaps',
    parties: [{ personId: `P-${id}`, regionCode, awardKeys: [`HOUSING:A-${id}`, `HOUSING:B-${id}`] }],
  };
}

let n = 0;
/** A sweep of `regionCode` started now (RUNNING), as a request would get it. */
async function started(db: Db, regionCode: string) {
  const claim = await claimSweep(db, { id: `S-${++n}`, regionCode, requestedBy: `caller-${n}`, owner: 'P-test', maxPerCaller: 2, staleMs: 60_000 });
  if (!('sweep' in claim) || claim.sweep.status !== 'RUNNING') throw new Error(`sweep ${n} did not start: ${JSON.stringify(claim)}`);
  return claim.sweep.id;
}

/** What a sweep does when it has read its whole scope: DONE, then what it did not see gone. */
async function complete(db: Db, id: string) {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    expect(await completeSweep(t, id)).toBe(true);
    return markGone(t, id);
  });
}

const goneOf = async (db: Db, ids: string[]) => (await findingsByIds(db, ids)).map((f) => [f!.id, f!.goneAt !== null]);

describe('markGone: a finding is gone only from a complete sweep that started after it was last seen', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('coordination_gone', MIGRATIONS);
  });
  afterAll(() => database?.dispose());

  it('keeps a finding another sweep saw after this one started, and marks gone one last seen before it', async () => {
    const db = database.db;
    await recordSeen(db, [finding('F-stale'), finding('F-other'), finding('F-own'), finding('F-elsewhere', '654003')], 'S-earlier');
    const sweep = await started(db, '654002');
    // Another sweep (of the same scope, interleaved: what happened before the fix) sees F-other now.
    await recordSeen(db, [finding('F-other')], 'S-concurrent');
    await recordSeen(db, [finding('F-own')], sweep);
    expect(await complete(db, sweep)).toBe(1);
    expect(await goneOf(db, ['F-stale', 'F-other', 'F-own', 'F-elsewhere'])).toEqual([
      ['F-stale', true],
      ['F-other', false],
      ['F-own', false],
      ['F-elsewhere', false],
    ]);
  });

  it('marks nothing gone for a sweep that failed, nor for one still running', async () => {
    const db = database.db;
    await recordSeen(db, [finding('F-1', '654021'), finding('F-2', '654021')], 'S-earlier');
    const failed = await started(db, '654021');
    await failSweeps(db, [failed], 'the gateway did not answer');
    expect(await db.transaction((tx) => markGone(tx as unknown as Db, failed))).toBe(0);
    const running = await started(db, '654021');
    expect(await db.transaction((tx) => markGone(tx as unknown as Db, running))).toBe(0);
    // A failed sweep cannot be completed afterwards either.
    expect(await db.transaction((tx) => completeSweep(tx as unknown as Db, failed))).toBe(false);
    expect(await goneOf(db, ['F-1', 'F-2'])).toEqual([
      ['F-1', false],
      ['F-2', false],
    ]);
    // The running one, complete, does: it saw neither since it started.
    expect(await complete(db, running)).toBe(2);
  });
});
