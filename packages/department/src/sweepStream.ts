import { and, asc, gt, like, sql } from 'drizzle-orm';
import { anyOf, rowsOf, selectList, type Db } from '@saf/db';
import { isRegionPrefix } from '@saf/identity';
import { MAX_SWEEP_BATCH, SWEEP_AWARD_COLUMNS, toSweepRows } from '@saf/interchange';
import { HttpError, assertMaySweep, parseJson, sendJson, type Route } from '@saf/service';
import type { ServerResponse } from 'node:http';
import { COORDINATION } from './grant.ts';
import { awards } from './schema.ts';

/** Rows per chunk of a stream (one line of NDJSON, one keyset query). */
export const SWEEP_STREAM_CHUNK = 5000;

const SELECT = selectList(Object.fromEntries(SWEEP_AWARD_COLUMNS.map((c) => [c, awards[c]])));
type AwardRowText = Record<(typeof SWEEP_AWARD_COLUMNS)[number], string | null>;

/**
 * The sender and caller of a sweep stream, checked: only the coordination office signs for it, on
 * behalf of a caller who may sweep `region` (the caller who asked for the sweep).
 */
export function sweepStreamRegion(url: URL, from: string, caller: Parameters<typeof assertMaySweep>[0], region: string | null): string {
  if (from !== COORDINATION) throw new HttpError(403, 'only the coordination office reads sweep streams', { error: 'only the coordination office reads sweep streams', reason: 'wrong_sender' });
  if (region === null || !isRegionPrefix(region)) throw new HttpError(400, `${url.pathname}: region must be a region code prefix of 2, 4, 6, 9 or 12 digits`);
  try {
    assertMaySweep(caller, region);
  } catch (err) {
    throw new HttpError(403, `${url.pathname}: ${(err as Error).message}`);
  }
  return region;
}

/**
 * Writes NDJSON: one line per chunk `pages` yields (`{ columns, rows }`), then `{ end: true, count }`
 * so that a reader can tell a finished stream from a cut one. Each chunk is written before the
 * next is read (back-pressure: a slow reader holds the query, not the memory).
 */
export async function streamRows(res: ServerResponse, pages: AsyncIterable<{ columns: readonly string[]; rows: unknown[][] }>): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
  let count = 0;
  try {
    for await (const page of pages) {
      count += page.rows.length;
      if (!res.write(`${JSON.stringify(page)}\n`)) await new Promise<void>((resolve) => res.once('drain', resolve));
    }
  } catch (err) {
    // Cut without the end line: the reader fails the sweep rather than take part of the awards.
    res.destroy(err as Error);
    throw err;
  }
  res.end(`${JSON.stringify({ end: true, count })}\n`);
}

/** Every award recorded under `region` (a prefix of `region_code`), in chunks by id (keyset, index on region). */
async function* regionAwards(db: Db, region: string): AsyncGenerator<{ columns: readonly string[]; rows: unknown[][] }> {
  let after = '';
  for (;;) {
    const rows = await rowsOf<AwardRowText>(db, sql`SELECT ${SELECT} FROM ${awards} WHERE ${and(like(awards.regionCode, `${region}%`), gt(awards.id, after))} ORDER BY ${asc(awards.id)} LIMIT ${SWEEP_STREAM_CHUNK}`);
    if (!rows.length) return;
    yield toSweepRows(SWEEP_AWARD_COLUMNS, rows);
    if (rows.length < SWEEP_STREAM_CHUNK) return;
    after = rows.at(-1)!.id!;
  }
}

/**
 * A sweep by streams (the coordination office's duplicate-aid sweep, sweep.ts there):
 * `GET /sweep/awards?region=R` streams every award this department recorded under R as NDJSON
 * (compact rows, `SweepRows`, a chunk a line, then an end line with the count); `POST
 * /sweep/awards` `{ region, ids }` answers the awards of those ids (at most MAX_SWEEP_BATCH), for
 * the awards of R's persons and households that were recorded under another region (civil
 * affairs' register names them). Only the coordination office signs, for a caller who may sweep R.
 */
export function sweepStreamRoute(db: Db): Route {
  return async (req, res, url, request) => {
    if (url.pathname !== '/sweep/awards') return false;
    if (req.method === 'GET') {
      const region = sweepStreamRegion(url, request.from, request.caller, url.searchParams.get('region'));
      await streamRows(res, regionAwards(db, region));
      return true;
    }
    if (req.method === 'POST') {
      const body = parseJson(request.body) as { region?: unknown; ids?: unknown };
      sweepStreamRegion(url, request.from, request.caller, typeof body.region === 'string' ? body.region : null);
      if (!Array.isArray(body.ids) || body.ids.length > MAX_SWEEP_BATCH || !body.ids.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 200)) {
        throw new HttpError(400, `ids must be up to ${MAX_SWEEP_BATCH} award ids`);
      }
      const ids = body.ids as string[];
      const rows = ids.length ? await rowsOf<AwardRowText>(db, sql`SELECT ${SELECT} FROM ${awards} WHERE ${anyOf(awards.id, ids)}`) : [];
      sendJson(res, 200, toSweepRows(SWEEP_AWARD_COLUMNS, rows));
      return true;
    }
    throw new HttpError(405, 'GET or POST /sweep/awards only');
  };
}
