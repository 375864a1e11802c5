import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '@saf/db';
import { createLogger } from '@saf/service';
import { createTestDatabase, type TestDatabase } from '@saf/testing';
import { sweeps } from '../src/db/schema.ts';
import { claimSweep, completeSweep, sweepById, type SweepRow } from '../src/db/sweeps.ts';
import { SweepTurns, type SweepAsker } from '../src/sweepTurns.ts';

const MIGRATIONS = fileURLToPath(new URL('../drizzle', import.meta.url));
const log = createLogger('coordination', 'silent');
const caller = (sub: string): SweepAsker => ({ caller: { sub, role: 'COORDINATOR' }, purpose: 'SWEEP' });

/**
 * A coordination process whose sweeps run until the test ends them (`finish`), as a real run
 * ends: DONE if it still runs.
 */
function process_(db: Db, maxPerCaller = 2) {
  const running = new Map<string, () => void>();
  const turns = new SweepTurns(
    db,
    log,
    (sweep: SweepRow) =>
      new Promise<void>((resolve) => {
        running.set(sweep.id, async () => {
          await db.transaction((tx) => completeSweep(tx as unknown as Db, sweep.id));
          resolve();
        });
      }),
    { maxPerCaller, tickMs: 20, staleMs: 2_000 },
  );
  return {
    turns,
    running,
    async finish(id: string) {
      await until(() => running.has(id));
      running.get(id)!();
      running.delete(id);
    },
  };
}

async function until(ok: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 500; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('timed out');
}

const statusOf = async (db: Db, id: string) => (await sweepById(db, id))?.status;

describe('sweeps take turns, decided in PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('coordination_turns', MIGRATIONS);
  });
  afterAll(() => database?.dispose());

  it('the same region asked for five times at once, by two processes, is one sweep', async () => {
    const [a, b] = [process_(database.db), process_(database.db)];
    const answers = await Promise.all([0, 1, 2, 3, 4].map((i) => (i % 2 ? a : b).turns.request('654002', caller(`c-${i}`))));
    expect(new Set(answers.map((s) => s.id)).size).toBe(1);
    expect(answers[0]!.status).toBe('RUNNING');
    const owner = a.running.size ? a : b;
    await owner.finish(answers[0]!.id);
    await Promise.all([a.turns.idle(), b.turns.idle()]);
    expect(await statusOf(database.db, answers[0]!.id)).toBe('DONE');
    await Promise.all([a.turns.stop(), b.turns.stop()]);
  });

  it('an overlapping scope waits its turn, in another process too, first come first served', async () => {
    const [a, b] = [process_(database.db), process_(database.db)];
    const county = await a.turns.request('654021', caller('caseworker'));
    const prefecture = await b.turns.request('6540', caller('coordinator'));
    // No running sweep overlaps 654025, but the prefecture asked first and waits over it.
    const other = await a.turns.request('654025', caller('caseworker'));
    const elsewhere = await a.turns.request('6541', caller('coordinator'));
    expect([county.status, prefecture.status, other.status, elsewhere.status]).toEqual(['RUNNING', 'QUEUED', 'QUEUED', 'RUNNING']);
    await a.finish(elsewhere.id);
    await new Promise((r) => setTimeout(r, 100));
    expect(await statusOf(database.db, prefecture.id)).toBe('QUEUED');
    await a.finish(county.id);
    // Process b notices on its own tick that its sweep may start.
    await until(async () => (await statusOf(database.db, prefecture.id)) === 'RUNNING');
    expect(await statusOf(database.db, other.id)).toBe('QUEUED');
    await b.finish(prefecture.id);
    await until(async () => (await statusOf(database.db, other.id)) === 'RUNNING');
    await a.finish(other.id);
    await Promise.all([a.turns.idle(), b.turns.idle()]);
    const rows = await Promise.all([county, prefecture, other].map((s) => sweepById(database.db, s.id)));
    // Each started after the one before it ended.
    for (let i = 1; i < rows.length; i++) expect(Date.parse(rows[i]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(rows[i - 1]!.finishedAt!));
    await Promise.all([a.turns.stop(), b.turns.stop()]);
  });

  it('a caller past the limit is refused with TOO_MANY_SWEEPS; joining a sweep under way does not count', async () => {
    const a = process_(database.db);
    const first = await a.turns.request('654030', caller('busy'));
    await a.turns.request('654031', caller('busy'));
    expect((await a.turns.request('654030', caller('busy'))).id).toBe(first.id);
    const refused = await a.turns.request('654032', caller('busy')).catch((err) => err);
    expect(refused.extensions).toEqual({ code: 'TOO_MANY_SWEEPS', limit: 2 });
    // Others are not held back.
    expect((await a.turns.request('654032', caller('someone-else'))).status).toBe('RUNNING');
    for (const id of [...a.running.keys()]) await a.finish(id);
    await a.turns.idle();
    expect((await a.turns.request('654033', caller('busy'))).status).toBe('RUNNING');
    await a.finish([...a.running.keys()][0]!);
    await a.turns.stop();
  });

  it('a sweep whose process stopped (no heartbeat) is failed, and frees its scope', async () => {
    // A process that asked for it and then stopped without a word: no one renews its heartbeat.
    const claim = await claimSweep(database.db, { id: 'S-dead', regionCode: '654040', requestedBy: 'c1', owner: 'P-gone', maxPerCaller: 2, staleMs: 2_000 });
    const dead = 'sweep' in claim ? claim.sweep : null;
    expect(dead?.status).toBe('RUNNING');
    expect((await process_(database.db).turns.request('654040', caller('c2'))).id).toBe('S-dead');
    await database.db.update(sweeps).set({ heartbeatAt: sql`clock_timestamp() - interval '1 minute'` }).where(eq(sweeps.id, 'S-dead'));
    const b = process_(database.db);
    const next = await b.turns.request('654040', caller('c2'));
    expect(next.id).not.toBe('S-dead');
    expect(next.status).toBe('RUNNING');
    expect(await sweepById(database.db, 'S-dead')).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/interrupted/) });
    await b.finish(next.id);
    await b.turns.stop();
  });

  it('on stop, queued sweeps fail (they cannot start elsewhere); running ones finish', async () => {
    const a = process_(database.db);
    const running = await a.turns.request('654050', caller('c1'));
    const queued = await a.turns.request('65405', caller('c2'));
    expect(queued.status).toBe('QUEUED');
    const stopped = a.turns.stop();
    await until(async () => (await statusOf(database.db, queued.id)) === 'FAILED');
    expect(await statusOf(database.db, running.id)).toBe('RUNNING');
    await a.finish(running.id);
    await stopped;
    expect(await statusOf(database.db, running.id)).toBe('DONE');
  });

  it('on start, PGlite fails every sweep under way; a server only those whose heartbeat stopped', async () => {
    const a = process_(database.db);
    const live = await a.turns.request('654060', caller('c1'));
    const b = process_(database.db);
    await b.turns.open('postgres');
    expect(await statusOf(database.db, live.id)).toBe('RUNNING');
    const c = process_(database.db);
    await c.turns.open('pglite');
    expect(await statusOf(database.db, live.id)).toBe('FAILED');
    // The run that was failed under it cannot complete: no DONE, nothing marked gone.
    await a.finish(live.id);
    expect(await statusOf(database.db, live.id)).toBe('FAILED');
    await Promise.all([a.turns.stop(), b.turns.stop(), c.turns.stop()]);
  });
});
