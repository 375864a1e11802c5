import { and, asc, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '@saf/db';
import { HttpError, parseJson, sendJson, type Route } from '@saf/service';
import { COORDINATION } from './grant.ts';
import { outbox } from './schema.ts';

/** An event as the coordination office reads it from a department's outbox. */
export interface OutboxEvent {
  seq: number;
  kind: string;
  personId: string;
  recordId: string;
  eventDate: string;
}

const MAX_EVENTS = 200;

/**
 * `GET /outbox?limit=N`: the oldest events the coordination office has not acknowledged;
 * `POST /outbox/ack` `{ seqs }`: marks them delivered. The office pulls (every few seconds) and
 * acknowledges only what it has turned into review tasks, so an event waits here through any
 * outage — of the office, of the gateway, or of a department whose awards it must read.
 */
export function outboxRoute(db: Db): Route {
  return async (req, res, url, request) => {
    if (url.pathname !== '/outbox' && url.pathname !== '/outbox/ack') return false;
    if (request.from !== COORDINATION) throw new HttpError(403, 'only the coordination office reads the outbox', { error: 'only the coordination office reads the outbox', reason: 'wrong_sender' });
    if (url.pathname === '/outbox' && req.method === 'GET') {
      const limit = Math.min(MAX_EVENTS, Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100));
      const rows = await db.select({ seq: outbox.seq, kind: outbox.kind, personId: outbox.personId, recordId: outbox.recordId, eventDate: outbox.eventDate }).from(outbox).where(isNull(outbox.deliveredAt)).orderBy(asc(outbox.seq)).limit(limit);
      sendJson(res, 200, { events: rows satisfies OutboxEvent[] });
      return true;
    }
    if (url.pathname === '/outbox/ack' && req.method === 'POST') {
      const body = parseJson(request.body) as { seqs?: unknown };
      if (!Array.isArray(body.seqs) || body.seqs.length > MAX_EVENTS || !body.seqs.every((s) => Number.isSafeInteger(s) && (s as number) > 0)) throw new HttpError(400, `seqs must be up to ${MAX_EVENTS} event numbers`);
      const seqs = body.seqs as number[];
      const done = seqs.length ? await db.update(outbox).set({ deliveredAt: sql`now()` }).where(and(inArray(outbox.seq, seqs), isNull(outbox.deliveredAt))).returning({ seq: outbox.seq }) : [];
      sendJson(res, 200, { acknowledged: done.length });
      return true;
    }
    throw new HttpError(404, `no outbox action ${req.method} ${url.pathname}`);
  };
}
