import { z } from 'zod';
import { AUDIT_ROLES, GATEWAY, OPERATOR, type AuditFields, type ChainKeyring } from '@saf/auth';
import type { Db } from '@saf/db';
import { DEPARTMENTS } from '@saf/programmes';
import { HttpError, parseJson, sendJson, type Logger, type Route } from '@saf/service';
import { hashesAt } from './db/accessLog.ts';
import { verifyLog } from './verify.ts';
import type { AuditWriter } from './writer.ts';

/** Most entries one request may append, and most ids one entry may name (the gateway caps them). */
export const MAX_ENTRIES_PER_REQUEST = 1000;
export const MAX_SUBJECTS_PER_ENTRY = 10_000;
/** Most seqs one `/audit/hashes` request asks about (audit:verify pages the witnesses' checkpoints). */
export const MAX_HASHES_PER_REQUEST = 10_000;

const entrySchema = z.strictObject({
  at: z.iso.datetime({ offset: true }),
  sub: z.string().min(1).max(200),
  role: z.enum(AUDIT_ROLES),
  region: z.string().max(12).nullish().transform((v) => v ?? null),
  department: z.enum(DEPARTMENTS).nullish().transform((v) => v ?? null),
  purpose: z.string().max(1000),
  operation: z.string().max(1000),
  subjectIds: z.array(z.string().min(1).max(200)).max(MAX_SUBJECTS_PER_ENTRY),
  requestId: z.string().min(1).max(200),
});
const appendSchema = z.strictObject({ entries: z.array(entrySchema).min(1).max(MAX_ENTRIES_PER_REQUEST) });
const hashesSchema = z.strictObject({ seqs: z.array(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)).max(MAX_HASHES_PER_REQUEST) });

function parse<T>(schema: z.ZodType<T>, body: string, what: string): T {
  const parsed = schema.safeParse(parseJson(body));
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
  throw new HttpError(400, what, { error: what, errors });
}

/**
 * The gateway's side door, signed like everything else (createServiceServer verifies before any
 * route runs): `POST /audit/entries` appends and answers the new head (which the gateway hands
 * to the witnesses), `POST /audit/verify` checks the whole chain with this service's keys,
 * `POST /audit/hashes` tells audit:verify the stored hashes at the seqs the witnesses hold.
 */
export function auditRoutes(deps: { db: Db; writer: AuditWriter; log: Logger; verifyPageSize: number; keys: ChainKeyring }): Route[] {
  const entries: Route = async (req, res, url, { body, from, caller }) => {
    if (url.pathname !== '/audit/entries') return false;
    if (req.method !== 'POST') throw new HttpError(405, 'POST only');
    // Entries come from the gateway itself; a request it relays for a caller may not write them.
    if (from !== GATEWAY || caller !== null) throw new HttpError(403, 'only the gateway writes the access log');
    const written = await deps.writer.append(parse(appendSchema, body, 'invalid access log entries').entries);
    const head = written.at(-1)!;
    sendJson(res, 200, { appended: written.length, head: { seq: head.seq, hash: head.hash } });
    return true;
  };
  const verify: Route = async (req, res, url, { from, caller }) => {
    if (url.pathname !== '/audit/verify') return false;
    if (req.method !== 'POST') throw new HttpError(405, 'POST only');
    // The operator's `npm run audit:verify`, or an auditor's request relayed by the gateway.
    const allowed = from === OPERATOR ? caller === null : from === GATEWAY && caller?.role === 'AUDITOR';
    if (!allowed) throw new HttpError(403, 'only an auditor or the operator verifies the access log');
    const started = Date.now();
    const result = await verifyLog(deps.db, deps.verifyPageSize, deps.keys.byId);
    deps.log.info({ ...result, ms: Date.now() - started }, result.ok ? 'access log verified' : 'access log is broken');
    sendJson(res, 200, result);
    return true;
  };
  const hashes: Route = async (req, res, url, { body, from, caller }) => {
    if (url.pathname !== '/audit/hashes') return false;
    if (req.method !== 'POST') throw new HttpError(405, 'POST only');
    const allowed = from === OPERATOR ? caller === null : from === GATEWAY && caller?.role === 'AUDITOR';
    if (!allowed) throw new HttpError(403, 'only an auditor or the operator verifies the access log');
    const { last, hashes: found } = await hashesAt(deps.db, parse(hashesSchema, body, 'invalid seqs').seqs);
    sendJson(res, 200, { last, entries: found });
    return true;
  };
  return [entries, verify, hashes];
}
