import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DEPARTMENTS, type Department } from '@saf/programmes';
import { ROLES, type Caller, type Role } from './caller.ts';
import { canonicalJson } from './canonicalJson.ts';

/** `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);
/** `seq` of the first entry; each next entry has the previous seq + 1. */
export const FIRST_SEQ = 1;

/** One read of personal data (SPEC section 8): who, as what, when, why, which ids. */
export interface AuditEntry {
  seq: number;
  /** ISO 8601 time, e.g. `2024-05-01T08:30:00.000Z`; hashed as text, so store it as text. */
  at: string;
  sub: string;
  role: Role;
  region: string | null;
  department: Department | null;
  /** What the caller declared in `X-Purpose`. */
  purpose: string;
  /** The GraphQL operation (name, or a short description). */
  operation: string;
  subjectIds: string[];
  requestId: string;
  prevHash: string;
  hash: string;
}
export type UnhashedAuditEntry = Omit<AuditEntry, 'hash'>;
/** What a caller of `appendEntry` supplies; the chain fields are computed. */
export type AuditFields = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

// Only these fields are hashed, so storage may carry extra columns (ids, indexes) without
// breaking the chain. keep in sync with AuditEntry.
const HASHED = ['seq', 'at', 'sub', 'role', 'region', 'department', 'purpose', 'operation', 'subjectIds', 'requestId', 'prevHash'] as const;

/** sha256 (hex) of the canonical JSON of the entry's fields, `prevHash` included. */
export function hashEntry(entry: UnhashedAuditEntry): string {
  const fields: Record<string, unknown> = {};
  for (const key of HASHED) fields[key] = entry[key];
  return createHash('sha256').update(canonicalJson(fields), 'utf8').digest('hex');
}

/** The next entry of the chain after `previous` (null: the first entry). */
export function appendEntry(previous: Pick<AuditEntry, 'seq' | 'hash'> | null, fields: AuditFields): AuditEntry {
  const unhashed: UnhashedAuditEntry = {
    ...fields,
    subjectIds: [...fields.subjectIds],
    seq: previous ? previous.seq + 1 : FIRST_SEQ,
    prevHash: previous ? previous.hash : GENESIS_HASH,
  };
  return { ...unhashed, hash: hashEntry(unhashed) };
}

/** The who-fields of an entry from a verified caller. */
export function auditCaller(caller: Caller): Pick<AuditEntry, 'sub' | 'role' | 'region' | 'department'> {
  return { sub: caller.sub, role: caller.role, region: caller.region ?? null, department: caller.department ?? null };
}

const HEX64 = /^[0-9a-f]{64}$/;
const entrySchema = z.object({
  seq: z.number().int().nonnegative(),
  at: z.iso.datetime({ offset: true }),
  sub: z.string(),
  role: z.enum(ROLES),
  region: z.string().nullable(),
  department: z.enum(DEPARTMENTS).nullable(),
  purpose: z.string(),
  operation: z.string(),
  subjectIds: z.array(z.string()),
  requestId: z.string(),
  prevHash: z.string().regex(HEX64),
  hash: z.string().regex(HEX64),
});

export type ChainBreak =
  /** Not an audit entry (a field missing or of the wrong type). */
  | 'malformed'
  /** The content does not match the entry's hash: edited after it was written. */
  | 'edited'
  /** A seq is skipped: entries were deleted. */
  | 'missing'
  /** A seq appears out of order (or twice). */
  | 'reordered'
  /** The seq is right but prevHash is not the previous entry's hash: entries deleted and renumbered, or rewritten. */
  | 'broken_link';

export type ChainCheck =
  | { ok: true; count: number; head: { seq: number; hash: string } | null }
  | { ok: false; seq: number; reason: ChainBreak; message: string };

export interface VerifyChainOptions {
  /** Verify a segment that follows a known-good entry (a checkpoint) instead of the genesis. */
  after?: { seq: number; hash: string };
}

/**
 * Checks entries in storage order and reports the first broken one. It proves that the entries
 * given are the ones written, in order, with nothing removed between them; that nothing was cut
 * off the end needs the expected head (count and last hash) from somewhere the log's writer
 * cannot change.
 */
export function verifyChain(entries: readonly AuditEntry[], options: VerifyChainOptions = {}): ChainCheck {
  let expectedSeq = options.after ? options.after.seq + 1 : FIRST_SEQ;
  let expectedPrev = options.after ? options.after.hash : GENESIS_HASH;
  const seqs = new Set(entries.map((e) => (e as { seq?: unknown }).seq));
  for (const entry of entries) {
    const parsed = entrySchema.safeParse(entry);
    const seq = typeof (entry as { seq?: unknown }).seq === 'number' ? entry.seq : expectedSeq;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return broken(seq, 'malformed', `entry ${seq}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'not an audit entry'}`);
    }
    if (hashEntry(entry) !== entry.hash) return broken(entry.seq, 'edited', `entry ${entry.seq}: content does not match its hash`);
    if (entry.seq !== expectedSeq) {
      if (entry.seq > expectedSeq && !seqs.has(expectedSeq)) {
        return broken(entry.seq, 'missing', `entry ${entry.seq}: expected seq ${expectedSeq}; entries are missing`);
      }
      return broken(entry.seq, 'reordered', `entry ${entry.seq}: expected seq ${expectedSeq}; entries are out of order`);
    }
    if (entry.prevHash !== expectedPrev) {
      return broken(entry.seq, 'broken_link', `entry ${entry.seq}: prevHash is not the hash of entry ${entry.seq - 1}`);
    }
    expectedSeq = entry.seq + 1;
    expectedPrev = entry.hash;
  }
  const last = entries.at(-1);
  return { ok: true, count: entries.length, head: last ? { seq: last.seq, hash: last.hash } : null };
}

function broken(seq: number, reason: ChainBreak, message: string): ChainCheck {
  return { ok: false, seq, reason, message };
}
