import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { GATEWAY, OPERATOR, countersign, witnessKey, type WitnessKey, type WitnessedCheckpoint } from '@saf/auth';
import type { Db } from '@saf/db';
import { HttpError, parseJson, sendJson, type Route } from '@saf/service';
import { auditCheckpoints } from './schema.ts';

/** Most checkpoints one `/witness/checkpoints` page holds. */
export const MAX_CHECKPOINTS_PER_PAGE = 10_000;

const HASH = /^[0-9a-f]{64}$/;
const seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const recordSchema = z.strictObject({ seq, hash: z.string().regex(HASH) });
const listSchema = z.strictObject({
  /** Keyset cursor: the last checkpoint of the previous page. */
  after: z.strictObject({ seq: z.number().int().min(0), hash: z.string().max(64) }).optional(),
  limit: z.number().int().min(1).max(MAX_CHECKPOINTS_PER_PAGE).default(MAX_CHECKPOINTS_PER_PAGE),
});

function parse<T>(schema: z.ZodType<T>, body: string): T {
  const parsed = schema.safeParse(parseJson(body || '{}'));
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
  throw new HttpError(400, 'invalid checkpoint request', { error: 'invalid checkpoint request', errors });
}

const columns = { seq: auditCheckpoints.seq, hash: auditCheckpoints.hash, at: auditCheckpoints.at, keyId: auditCheckpoints.keyId, signature: auditCheckpoints.signature };

/**
 * This department as a witness of the access log. `POST /witness/checkpoint` (the gateway only):
 * the audit service's head {seq, hash} as the gateway forwards it; stored with this service's
 * clock and countersigned with a key derived from its own signing secret (`witnessKey`), which no
 * database holds. `POST /witness/checkpoints` (the operator's audit:verify, or an auditor): what
 * it witnessed, a page at a time in seq order. A checkpoint is evidence, not a command: a wrong one
 * (from a compromised gateway) makes audit:verify raise an alarm, it can hide nothing.
 */
export function witnessRoute(options: { db: Db; name: string; signingSecret: Buffer }): Route {
  const key = witnessKey(options.signingSecret, options.name);
  return async (req, res, url, { body, from, caller }) => {
    if (url.pathname !== '/witness/checkpoint' && url.pathname !== '/witness/checkpoints') return false;
    if (req.method !== 'POST') throw new HttpError(405, 'POST only');
    if (url.pathname === '/witness/checkpoint') {
      // Heads come from the gateway itself; a request it relays for a caller may not record one.
      if (from !== GATEWAY || caller !== null) throw new HttpError(403, 'only the gateway hands this witness checkpoints');
      const head = parse(recordSchema, body);
      sendJson(res, 200, { witness: options.name, ...(await record(options.db, key, options.name, head.seq, head.hash)) });
      return true;
    }
    // The operator's `npm run audit:verify`, or an auditor's request relayed by the gateway.
    const allowed = from === OPERATOR ? caller === null : from === GATEWAY && caller?.role === 'AUDITOR';
    if (!allowed) throw new HttpError(403, 'only an auditor or the operator reads the witnessed checkpoints');
    const { after, limit } = parse(listSchema, body);
    const page = await options.db
      .select(columns)
      .from(auditCheckpoints)
      .where(after ? sql`(${auditCheckpoints.seq}, ${auditCheckpoints.hash}) > (${after.seq}, ${after.hash})` : undefined)
      .orderBy(asc(auditCheckpoints.seq), asc(auditCheckpoints.hash))
      .limit(limit);
    sendJson(res, 200, { witness: options.name, checkpoints: page });
    return true;
  };
}

/** Stores a checkpoint once (the same head forwarded again keeps its first arrival) and answers it as stored. */
async function record(db: Db, key: WitnessKey, witness: string, seq: number, hash: string): Promise<WitnessedCheckpoint> {
  const at = new Date().toISOString();
  const row = { seq, hash, at, keyId: key.id, signature: countersign(key, witness, { seq, hash, at }) };
  const [inserted] = await db.insert(auditCheckpoints).values(row).onConflictDoNothing().returning(columns);
  if (inserted) return inserted;
  const [stored] = await db.select(columns).from(auditCheckpoints).where(and(eq(auditCheckpoints.seq, seq), eq(auditCheckpoints.hash, hash)));
  return stored ?? row;
}
