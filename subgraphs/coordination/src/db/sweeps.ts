import { eq, sql } from 'drizzle-orm';
import type { Db } from '@saf/db';
import { sweeps } from './schema.ts';

export type SweepRow = typeof sweeps.$inferSelect;

export async function createSweep(db: Db, id: string, regionCode: string, requestedBy: string | null): Promise<SweepRow> {
  const [row] = await db.insert(sweeps).values({ id, regionCode, status: 'RUNNING', requestedBy }).returning();
  return row!;
}

export async function sweepById(db: Db, id: string): Promise<SweepRow | null> {
  const [row] = await db.select().from(sweeps).where(eq(sweeps.id, id));
  return row ?? null;
}

export async function updateSweep(db: Db, id: string, values: Partial<Omit<SweepRow, 'id'>>): Promise<void> {
  await db.update(sweeps).set(values).where(eq(sweeps.id, id));
}

/** Sweeps left RUNNING by a process that stopped: they did not finish. */
export async function failInterrupted(db: Db): Promise<void> {
  await db.update(sweeps).set({ status: 'FAILED', error: 'interrupted: the coordination service stopped during the sweep', finishedAt: sql`now()` }).where(eq(sweeps.status, 'RUNNING'));
}
