import { verifyChain, type ChainCheck, type ChainKey, type ChainPosition } from '@saf/auth';
import type { Db } from '@saf/db';
import { entriesAfter, readHead, type Head } from './db/accessLog.ts';

/**
 * What `POST /audit/verify` answers: the chain's own check, or a disagreement with the stored
 * head (`truncated`: entries after the last one present were written and are gone;
 * `head_mismatch`: the last entry is not the one the head recorded). The stored head is in the
 * same database, so whoever can rewrite the log can move it too: the witnesses' checkpoints, which
 * `npm run audit:verify` compares, are what a rewrite cannot move.
 */
export type LogCheck =
  | { ok: true; count: number; head: { seq: number; hash: string } | null; keyedFrom: number | null }
  | Extract<ChainCheck, { ok: false }>
  | { ok: false; seq: number; reason: 'truncated' | 'head_mismatch'; message: string };

/**
 * Verifies the whole log in chain order, a page at a time (memory stays flat for millions of
 * entries), on one snapshot so appends running meanwhile neither break nor extend what is checked.
 * Every entry is checked with the keys this process was given (never anything read from the
 * database but the entries themselves), so the answer holds however the database was changed.
 */
export async function verifyLog(db: Db, pageSize: number, keys: ReadonlyMap<string, ChainKey>): Promise<LogCheck> {
  return db.transaction(
    async (t) => {
      const tx = t as unknown as Db;
      const head = await readHead(tx);
      let last: ChainPosition | undefined;
      let count = 0;
      for (;;) {
        const page = await entriesAfter(tx, last?.seq ?? 0, pageSize);
        if (page.length === 0) break;
        const check = verifyChain(page, { keys, after: last });
        if (!check.ok) return check;
        count += check.count;
        if (check.head) last = { ...check.head, keyedFrom: check.keyedFrom, lastKeyId: check.lastKeyId };
        if (page.length < pageSize) break;
      }
      return compareHead(count, last ?? null, head);
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

function compareHead(count: number, last: ChainPosition | null, head: Head | null): LogCheck {
  const lastSeq = last?.seq ?? 0;
  if (!head) {
    if (!last) return { ok: true, count: 0, head: null, keyedFrom: null };
    return { ok: false, seq: lastSeq, reason: 'head_mismatch', message: `the log has ${count} entries but no recorded head: the head was removed` };
  }
  if (lastSeq < head.seq) {
    const gone = lastSeq + 1 === head.seq ? `entry ${head.seq} is` : `entries ${lastSeq + 1} to ${head.seq} are`;
    return { ok: false, seq: lastSeq + 1, reason: 'truncated', message: `the log ends at entry ${lastSeq} but entry ${head.seq} was written: ${gone} missing (cut off)` };
  }
  if (lastSeq > head.seq) {
    return { ok: false, seq: head.seq + 1, reason: 'head_mismatch', message: `entries after ${head.seq}, the last one written through the log, were added behind its back` };
  }
  if (last!.hash !== head.hash) {
    return { ok: false, seq: lastSeq, reason: 'head_mismatch', message: `entry ${lastSeq} is not the one written (its hash differs from the recorded head): the tail was rewritten` };
  }
  return { ok: true, count, head: { seq: head.seq, hash: head.hash }, keyedFrom: last!.keyedFrom };
}
