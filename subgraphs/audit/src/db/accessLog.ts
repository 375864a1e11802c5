import { and, asc, count, desc, eq, gt, inArray, lt, max, sql, type SQL } from 'drizzle-orm';
import type { AuditEntry, AuditFields, ChainKey, Role } from '@saf/auth';
import { appendEntry } from '@saf/auth';
import type { Db } from '@saf/db';
import type { Department } from '@saf/programmes';
import { accessLog, accessLogHead, type AccessLogRow } from './schema.ts';

export interface Head {
  seq: number;
  hash: string;
}

/**
 * One advisory lock for every writer of this database: replicas sharing it append one at a time,
 * so none computes its entries from a head another is about to move. (The insert trigger refuses
 * a fork anyway; the lock makes that an error that never happens.)
 */
const APPEND_LOCK = 0x5af_a0d1;

export async function readHead(db: Db): Promise<Head | null> {
  const [row] = await db.select({ seq: accessLogHead.seq, hash: accessLogHead.hash }).from(accessLogHead).where(eq(accessLogHead.id, 1));
  return row ?? null;
}

/** The entries for `fields`, each chained to the one before, the first to `head`, keyed with `key`. */
function chainFrom(head: Head | null, fields: readonly AuditFields[], key: ChainKey): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let previous = head;
  for (const f of fields) {
    const entry = appendEntry(previous, f, key);
    entries.push(entry);
    previous = entry;
  }
  return entries;
}

/** Appends entries in one transaction, chained from the stored head; returns them as written. */
export async function appendEntries(db: Db, fields: readonly AuditFields[], key: ChainKey): Promise<AuditEntry[]> {
  return db.transaction(async (t) => {
    const tx = t as unknown as Db;
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${sql.raw(String(APPEND_LOCK))})`);
    // The head row locked too: a writer appending without the lock (`appendAfter`) waits for
    // this commit and is then refused, instead of moving the head between this read and insert.
    const [row] = await tx.select({ seq: accessLogHead.seq, hash: accessLogHead.hash }).from(accessLogHead).where(eq(accessLogHead.id, 1)).for('update');
    const entries = chainFrom(row ?? null, fields, key);
    // The insert trigger checks each row extends the head and moves the head along.
    await tx.insert(accessLog).values(entries);
    return entries;
  });
}

/**
 * Appends entries chained from `head`, the head as this writer last left it, as one statement
 * in its own transaction: no lock, no read, one round trip. If any other writer has moved the
 * head since, the insert trigger refuses the statement (`serialization_failure`, nothing is
 * written) and the caller appends again with `appendEntries`.
 */
export async function appendAfter(db: Db, head: Head, fields: readonly AuditFields[], key: ChainKey): Promise<AuditEntry[]> {
  const entries = chainFrom(head, fields, key);
  await db.insert(accessLog).values(entries);
  return entries;
}

/** PostgreSQL's `serialization_failure`, as the insert trigger raises it for an entry that does not extend the head. */
export function isStaleHead(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.code === '40001') return true;
  }
  return false;
}

/** Entries after `seq` in chain order: one page of a verification. */
export async function entriesAfter(db: Db, seq: number, limit: number): Promise<AuditEntry[]> {
  const rows = await db.select().from(accessLog).where(gt(accessLog.seq, seq)).orderBy(asc(accessLog.seq)).limit(limit);
  return rows.map(toAuditEntry);
}

/**
 * The stored hashes of the entries `seqs` that exist, and the log's last seq (0: empty): what the
 * witnesses' checkpoints are compared with. Read as stored, nothing verified here.
 */
export async function hashesAt(db: Db, seqs: readonly number[]): Promise<{ last: number; hashes: Head[] }> {
  const [found, [top]] = await Promise.all([
    seqs.length ? db.select({ seq: accessLog.seq, hash: accessLog.hash }).from(accessLog).where(inArray(accessLog.seq, [...seqs])) : Promise.resolve([]),
    db.select({ last: max(accessLog.seq) }).from(accessLog),
  ]);
  return { last: Number(top?.last ?? 0), hashes: found };
}

function naming(subject: string): SQL {
  // `@>` on the GIN index; one text parameter, so both drivers bind it the same way.
  return sql`${accessLog.subjectIds} @> ARRAY[${subject}]::text[]`;
}

/** Entries naming `subject`, newest first, before `beforeSeq` when given; `limit` rows at most. */
export async function entriesNaming(db: Db, subject: string, limit: number, beforeSeq: number | null): Promise<AuditEntry[]> {
  const where = beforeSeq === null ? naming(subject) : and(naming(subject), lt(accessLog.seq, beforeSeq));
  const rows = await db.select().from(accessLog).where(where).orderBy(desc(accessLog.seq)).limit(limit);
  return rows.map(toAuditEntry);
}

export async function countNaming(db: Db, subject: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(accessLog).where(naming(subject));
  return row?.n ?? 0;
}

/** A stored row as the chain sees it (the columns are the entry's fields, typed loosely by SQL). */
export function toAuditEntry(row: AccessLogRow): AuditEntry {
  return { ...row, role: row.role as Role, department: row.department as Department | null };
}
