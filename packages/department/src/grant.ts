import type { Database } from '@saf/db';
import type { Department } from '@saf/programmes';
import { HttpError, parseJson, sendJson, type Logger, type Route } from '@saf/service';
import { checkBatch, commit, stage, type IngestKind } from './ingest.ts';

/** Who signs a grant: the coordination office, when an officer approves an application. */
export const COORDINATION = 'coordination';

/** Application ids as the coordination office makes them (APP-YYYYMMDD-XXXXXXXXXX). */
const APPLICATION_ID = /^APP-\d{8}-[0-9A-F]{10}$/;

/**
 * `POST /grants`: the awards an approved application creates (SPEC section 10), written as a
 * loaded file's are — validated as this department's records, staged and committed in one
 * transaction under a load id of the application's, a new data version with them — so the
 * award is ACTIVE in the department as if loaded, and a second request for the same approval
 * changes nothing. Only the coordination office signs for it, and only awards whose ids belong to
 * the application (`<applicationId>-…`): an approval creates awards, it never rewrites a loaded one.
 */
export function grantRoute(options: { database: Pick<Database, 'db' | 'copyIn'>; department: Department; kinds: IngestKind[]; log: Logger }): Route {
  return async (req, res, url, request) => {
    if (url.pathname !== '/grants') return false;
    if (request.from !== COORDINATION) throw new HttpError(403, 'only the coordination office grants awards of approved applications', { error: 'only the coordination office grants awards', reason: 'wrong_sender' });
    if (req.method !== 'POST') throw new HttpError(405, 'POST /grants only');
    const body = parseJson(request.body) as { applicationId?: unknown; records?: unknown };
    if (typeof body.applicationId !== 'string' || !APPLICATION_ID.test(body.applicationId)) throw new HttpError(400, 'applicationId must be an application id (APP-YYYYMMDD-…)');
    if (!Array.isArray(body.records) || body.records.length === 0 || body.records.length > 50) throw new HttpError(400, 'records must be 1 to 50 records');
    const applicationId = body.applicationId;
    const foreign = body.records.find((r) => typeof (r as { id?: unknown })?.id !== 'string' || !(r as { id: string }).id.startsWith(`${applicationId}-`));
    if (foreign) throw new HttpError(400, `every record's id must be the application's (${applicationId}-…)`);
    const { records, errors } = checkBatch(options.department, options.kinds, body.records.map((record, i) => ({ line: i + 1, record })));
    if (errors.length) {
      sendJson(res, 422, { errors });
      return true;
    }
    const loadId = `grant-${applicationId}`;
    await stage(options.database, loadId, records);
    const counts = await commit(options.database.db, options.kinds, loadId);
    options.log.info({ applicationId, counts }, 'awards granted on approval');
    sendJson(res, 200, { counts });
    return true;
  };
}
