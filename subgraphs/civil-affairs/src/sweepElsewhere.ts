import { and, asc, gt, sql } from 'drizzle-orm';
import { anyOf, rowsOf, type Db } from '@saf/db';
import { streamRows, sweepStreamRegion } from '@saf/department';
import { HttpError, type Route } from '@saf/service';
import { awardRecipients, awards, households, persons } from './db/schema.ts';

/** Households per chunk of the stream (their members and register entries are one query). */
const HOUSEHOLDS_PER_CHUNK = 2000;

export const ELSEWHERE_COLUMNS = ['department', 'awardId'] as const;

/**
 * The awards of a region's persons and households, as civil affairs knows them, in chunks of the
 * region's households: every other department's award in the register of recipients
 * (`award_recipients`: it does not say under which region the department recorded it, so all of
 * them; the coordination office keeps those its streams did not bring), and civil affairs' own
 * awards recorded under another region. An award can come twice (a member's award recorded against
 * a household of a later chunk).
 */
async function* elsewhere(db: Db, region: string): AsyncGenerator<{ columns: readonly string[]; rows: unknown[][] }> {
  const like = `${region}%`;
  let after = '';
  for (;;) {
    const chunk = await db
      .select({ id: households.id })
      .from(households)
      .where(and(sql`${households.regionCode} LIKE ${like}`, gt(households.id, after)))
      .orderBy(asc(households.id))
      .limit(HOUSEHOLDS_PER_CHUNK);
    if (!chunk.length) return;
    const ids = chunk.map((h) => h.id);
    const members = (await rowsOf<{ id: string }>(db, sql`SELECT ${persons.id} AS id FROM ${persons} WHERE ${anyOf(persons.householdId, ids)}`)).map((p) => p.id);
    // Four lookups by index (person, household), not one OR: an OR over a subquery is a scan of
    // the whole register for every chunk.
    const rows = await rowsOf<{ department: string; awardId: string }>(
      db,
      sql`SELECT ${awardRecipients.department} AS "department", ${awardRecipients.awardId} AS "awardId" FROM ${awardRecipients} WHERE ${anyOf(awardRecipients.personId, members)}
          UNION ALL
          SELECT ${awardRecipients.department}, ${awardRecipients.awardId} FROM ${awardRecipients} WHERE ${anyOf(awardRecipients.householdId, ids)}
          UNION ALL
          SELECT 'CIVIL_AFFAIRS', ${awards.id} FROM ${awards} WHERE ${anyOf(awards.personId, members)} AND ${awards.regionCode} NOT LIKE ${like}
          UNION ALL
          SELECT 'CIVIL_AFFAIRS', ${awards.id} FROM ${awards} WHERE ${anyOf(awards.householdId, ids)} AND ${awards.regionCode} NOT LIKE ${like}`,
    );
    yield { columns: ELSEWHERE_COLUMNS, rows: rows.map((r) => [r.department, r.awardId]) };
    if (chunk.length < HOUSEHOLDS_PER_CHUNK) return;
    after = ids.at(-1)!;
  }
}

/**
 * `GET /sweep/elsewhere?region=R` (NDJSON, as `/sweep/awards`): which awards of R's persons and
 * households the departments may have recorded under another region, for a sweep by streams
 * (the coordination office's sweep.ts), which fetches those by id. Only the coordination office
 * signs, for a caller who may sweep R.
 */
export function sweepElsewhereRoute(db: Db): Route {
  return async (req, res, url, request) => {
    if (url.pathname !== '/sweep/elsewhere') return false;
    if (req.method !== 'GET') throw new HttpError(405, 'GET /sweep/elsewhere only');
    const region = sweepStreamRegion(url, request.from, request.caller, url.searchParams.get('region'));
    await streamRows(res, elsewhere(db, region));
    return true;
  };
}
