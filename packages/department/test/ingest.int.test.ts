import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '@saf/db';
import { createTestDatabase, type TestDatabase, type TestDbMode } from '@saf/testing';
import type { InterchangeRecord } from '@saf/interchange';
import { createLogger, metricsRegistry } from '@saf/service';
import { ANALYZE_MIN_ROWS, MAX_HELD, PreparedLoads, awardKind, commit, refreshStatistics, stage } from '../src/ingest.ts';
import { awards } from '../src/schema.ts';
import { dataVersion } from '../src/statistics.ts';

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

describe.each<TestDbMode>(['postgres', 'pglite'])('the data version a commit changes (%s)', (mode) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('ingest_version', MIGRATIONS, { mode });
  });
  afterAll(() => database?.dispose());
  const award = (id: string, amountFen: number) =>
    ({ type: 'award', id, department: 'LABOUR', programme: 'TRAINING_SUBSIDY', personId: `P-${id}`, householdId: null, regionCode: '654002', amountFen, frequency: 'ONCE', startDate: '2024-01-01', endDate: null, status: 'ACTIVE', details: {} }) as InterchangeRecord;
  const load = async (loadId: string, records: InterchangeRecord[]) => {
    await stage(database, loadId, records.map((record, i) => ({ line: i + 1, record })));
    return commit(database.db, [awardKind], loadId);
  };

  it('changes with a commit that changes rows, and not with one that changes nothing or fails', async () => {
    const empty = await dataVersion(database.db);
    expect(await load('v-1', [award('V-1', 100)])).toEqual({ award: 1 });
    const first = await dataVersion(database.db);
    expect(first).not.toBe(empty);
    // The same records again: nothing changes, nor does the version.
    expect(await load('v-2', [award('V-1', 100)])).toEqual({ award: 0 });
    expect(await dataVersion(database.db)).toBe(first);
    // A commit that fails leaves it, with the rows, as they were.
    const broken = { ...awardKind, commit: async (tx: Parameters<typeof awardKind.commit>[0], loadId: string) => ((await awardKind.commit(tx, loadId)), Promise.reject(new Error('disk full'))) };
    await stage(database, 'v-3', [{ line: 1, record: award('V-1', 999) }]);
    await expect(commit(database.db, [broken], 'v-3')).rejects.toThrow('disk full');
    expect(await dataVersion(database.db)).toBe(first);
    expect(await load('v-4', [award('V-1', 200)])).toEqual({ award: 1 });
    expect(await dataVersion(database.db)).not.toBe(first);
  });
});

describe('a load prepared while civil affairs commits (postgres)', () => {
  let database: TestDatabase;
  const log = createLogger('ingest-test', 'silent');
  beforeAll(async () => {
    database = await createTestDatabase('ingest_prepare', MIGRATIONS, { mode: 'postgres' });
  });
  afterAll(() => database?.dispose());

  const award = (id: string, amountFen: number) =>
    ({ type: 'award', id, department: 'LABOUR', programme: 'TRAINING_SUBSIDY', personId: `P-${id}`, householdId: null, regionCode: '654002', amountFen, frequency: 'ONCE', startDate: '2024-01-01', endDate: null, status: 'ACTIVE', details: {} }) as InterchangeRecord;
  const stageLoad = (loadId: string, records: InterchangeRecord[]) => stage(database, loadId, records.map((record, i) => ({ line: i + 1, record })));
  /** What another connection sees: the pool's, not the held transaction's. */
  const amounts = async (ids: string[]) =>
    Object.fromEntries((await rowsOf<{ id: string; amount_fen: number }>(database.db, sql`SELECT id, amount_fen FROM awards WHERE id IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) ORDER BY id`)).map((r) => [r.id, Number(r.amount_fen)]));
  /** The metrics of one test's department: loads held now, and prepared loads by how they ended. */
  const metrics = async (department: string) => {
    const held = await metricsRegistry.getSingleMetric('saf_ingest_loads_held')!.get();
    const ended = await metricsRegistry.getSingleMetric('saf_ingest_prepared_loads_total')!.get();
    return {
      held: held.values.find((v) => v.labels.department === department)?.value ?? 0,
      ...Object.fromEntries(ended.values.filter((v) => v.labels.department === department).map((v) => [v.labels.outcome, v.value])),
    };
  };
  const stagedCount = async (loadId: string) => Number((await rowsOf<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM ingest_staging WHERE load_id = ${loadId}`))[0]!.n);

  it('applies the load but shows nothing of it until the commit, which then shows all of it', async () => {
    const prepared = new PreparedLoads(database, [awardKind], { holdMs: 60_000, log, department: 'd1' });
    await stageLoad('p-1', [award('PA-1', 100), award('PA-2', 200)]);
    expect(await prepared.prepare('p-1')).toEqual({ award: 2 });
    expect(prepared.size).toBe(1);
    expect(await metrics('d1')).toEqual({ held: 1 });
    expect(await amounts(['PA-1', 'PA-2'])).toEqual({});
    // Prepared again (a retry whose answer was lost): the same hold, not a second one.
    expect(await prepared.prepare('p-1')).toEqual({ award: 2 });
    expect(prepared.size).toBe(1);
    expect(await prepared.commit('p-1')).toEqual({ award: 2 });
    expect(await amounts(['PA-1', 'PA-2'])).toEqual({ 'PA-1': 100, 'PA-2': 200 });
    expect(await stagedCount('p-1')).toBe(0);
    expect(prepared.size).toBe(0);
    expect(await metrics('d1')).toEqual({ held: 0, committed: 1 });
    // Committed again: nothing is held, and the usual commit finds nothing left.
    expect(await prepared.commit('p-1')).toBeUndefined();
    expect(await commit(database.db, [awardKind], 'p-1')).toEqual({ award: 0 });
  });

  it('rolled back: the data as before and the staging back, so that the usual commit still applies it', async () => {
    const prepared = new PreparedLoads(database, [awardKind], { holdMs: 60_000, log, department: 'd2' });
    await stageLoad('p-2', [award('PA-1', 111), award('PA-3', 300)]);
    expect(await prepared.prepare('p-2')).toEqual({ award: 2 });
    await prepared.rollback('p-2');
    expect(prepared.size).toBe(0);
    expect(await metrics('d2')).toEqual({ held: 0, rolled_back: 1 });
    expect(await amounts(['PA-1', 'PA-3'])).toEqual({ 'PA-1': 100 });
    expect(await stagedCount('p-2')).toBe(2);
    expect(await prepared.commit('p-2')).toBeUndefined();
    expect(await commit(database.db, [awardKind], 'p-2')).toEqual({ award: 2 });
    expect(await amounts(['PA-1', 'PA-3'])).toEqual({ 'PA-1': 111, 'PA-3': 300 });
  });

  it('rolls back by itself when no commit comes in time, and a late commit still applies the load', async () => {
    const prepared = new PreparedLoads(database, [awardKind], { holdMs: 300, log, department: 'd3' });
    await stageLoad('p-3', [award('PA-4', 400)]);
    expect(await prepared.prepare('p-3')).toEqual({ award: 1 });
    await new Promise((r) => setTimeout(r, 800));
    expect(prepared.size).toBe(0);
    expect(await metrics('d3')).toEqual({ held: 0, timed_out: 1 });
    expect(await stagedCount('p-3')).toBe(1);
    expect(await prepared.commit('p-3')).toBeUndefined();
    expect(await commit(database.db, [awardKind], 'p-3')).toEqual({ award: 1 });
    expect(await amounts(['PA-4'])).toEqual({ 'PA-4': 400 });
  });

  it('keeps a writer of the same rows waiting only until the hold ends', async () => {
    const prepared = new PreparedLoads(database, [awardKind], { holdMs: 60_000, log, department: 'd4' });
    await stageLoad('p-4', [award('PA-5', 500)]);
    await stageLoad('p-5', [award('PA-5', 555)]);
    await prepared.prepare('p-4');
    let other: Record<string, number> | undefined;
    const waiting = commit(database.db, [awardKind], 'p-5').then((c) => (other = c));
    await new Promise((r) => setTimeout(r, 300));
    expect(other).toBeUndefined();
    expect(await prepared.commit('p-4')).toEqual({ award: 1 });
    await waiting;
    expect(other).toEqual({ award: 1 });
    expect(await amounts(['PA-5'])).toEqual({ 'PA-5': 555 });
  });

  it(`holds at most ${MAX_HELD} loads, and rolls back every one on close`, async () => {
    const prepared = new PreparedLoads(database, [awardKind], { holdMs: 60_000, log, department: 'd5' });
    const ids = Array.from({ length: MAX_HELD }, (_, i) => `p-close-${i}`);
    for (const [i, id] of ids.entries()) {
      await stageLoad(id, [award(`PC-${i}`, 10 + i)]);
      await prepared.prepare(id);
    }
    await stageLoad('p-over', [award('PC-over', 1)]);
    expect(() => prepared.prepare('p-over')).toThrow(expect.objectContaining({ status: 409, message: expect.stringContaining('commit this one instead') }));
    expect(await metrics('d5')).toEqual({ held: MAX_HELD });
    await prepared.close();
    expect(prepared.size).toBe(0);
    expect(await metrics('d5')).toEqual({ held: 0, rolled_back: MAX_HELD });
    expect(await amounts(ids.map((_, i) => `PC-${i}`))).toEqual({});
    for (const id of ids) expect(await stagedCount(id)).toBe(1);
  });

  it('fails as a whole when applying fails, and leaves the staging for the commit to report', async () => {
    const broken = { ...awardKind, commit: async () => Promise.reject(new Error('disk full')) };
    const prepared = new PreparedLoads(database, [broken], { holdMs: 60_000, log, department: 'd7' });
    await stageLoad('p-fail', [award('PF-1', 1)]);
    await expect(prepared.prepare('p-fail')).rejects.toThrow('disk full');
    expect(prepared.size).toBe(0);
    expect(await metrics('d7')).toEqual({ held: 0, failed: 1 });
    expect(await stagedCount('p-fail')).toBe(1);
    expect(await prepared.commit('p-fail')).toBeUndefined();
  });

  it('holds fewer loads on a smaller pool, and none on a pool that would have no connection left for reads', async () => {
    const small = new PreparedLoads({ ...database, poolSize: 3 }, [awardKind], { holdMs: 60_000, log, department: 'd8' });
    await stageLoad('p-small-1', [award('PS-1', 1)]);
    await stageLoad('p-small-2', [award('PS-2', 2)]);
    expect(await small.prepare('p-small-1')).toEqual({ award: 1 });
    expect(() => small.prepare('p-small-2')).toThrow(expect.objectContaining({ status: 409, message: 'a load is held prepared already: commit this one instead' }));
    expect(await small.commit('p-small-1')).toEqual({ award: 1 });
    await small.close();
    const tiny = new PreparedLoads({ ...database, poolSize: 2 }, [awardKind], { holdMs: 60_000, log, department: 'd9' });
    expect(() => tiny.prepare('p-small-2')).toThrow(expect.objectContaining({ status: 409, message: expect.stringContaining('a pool of 2 connections (DATABASE_POOL_SIZE) is too small') }));
    expect(await stagedCount('p-small-2')).toBe(1);
  });

  it('is refused when switched off (a hold of 0)', () => {
    const prepared = new PreparedLoads(database, [awardKind], { holdMs: 0, log, department: 'd6' });
    expect(() => prepared.prepare('p-off')).toThrow(expect.objectContaining({ status: 409, message: expect.stringContaining('INGEST_HOLD_MS=0') }));
  });
});

describe('a load prepared on the embedded database (pglite)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('ingest_prepare_pglite', MIGRATIONS, { mode: 'pglite' });
  });
  afterAll(() => database?.dispose());

  it('is refused, so that one held transaction never stops the service\'s only connection', () => {
    const prepared = new PreparedLoads(database, [awardKind], { holdMs: 60_000, log: createLogger('ingest-test', 'silent'), department: 'pglite' });
    expect(() => prepared.prepare('p-1')).toThrow(expect.objectContaining({ status: 409, message: expect.stringContaining('PostgreSQL server') }));
    expect(prepared.size).toBe(0);
  });
});
