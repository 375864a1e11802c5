import { and, asc, sql } from 'drizzle-orm';
import type { Db } from '@saf/db';
import { jsonTextSet } from '@saf/department';
import { disabilityCertificates } from './schema.ts';

export interface HolderFilter {
  date: string;
  /** Grades 1 (most severe) up to this one; all grades when null. */
  maxGrade?: number | null;
  /** Among these persons only. */
  personIds?: readonly string[] | null;
}

/** Persons holding a certificate valid on the date (issued by then, not expired), distinct. */
export async function certificateHolders(db: Db, f: HolderFilter): Promise<string[]> {
  const t = disabilityCertificates;
  const rows = await db
    .selectDistinct({ personId: t.personId })
    .from(t)
    .where(
      and(
        sql`${t.issuedDate} <= ${f.date}::date AND (${t.validUntil} IS NULL OR ${t.validUntil} >= ${f.date}::date)`,
        f.maxGrade === null || f.maxGrade === undefined ? undefined : sql`${t.grade} <= ${f.maxGrade}`,
        f.personIds ? sql`${t.personId} IN ${jsonTextSet(f.personIds)}` : undefined,
      ),
    )
    .orderBy(asc(t.personId));
  return rows.map((r) => r.personId);
}

/** Per request, like the loaders (the department context has no database handle of its own). */
export function createCertificateHolders(db: Db) {
  return (f: HolderFilter) => certificateHolders(db, f);
}
