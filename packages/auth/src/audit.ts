import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';
import { DEPARTMENTS, type Department } from '@saf/programmes';
import { ROLES, type Caller } from './caller.ts';
import type { ChainKey } from './auditKey.ts';
import { canonicalJson } from './canonicalJson.ts';

/** `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);
/** `seq` of the first entry; each next entry has the previous seq + 1. */
export const FIRST_SEQ = 1;

/**
 * Who may be named in an entry: the callers' roles, and `SYSTEM` for what the system does by
 * itself (a sharing agreement expiring, written by the coordination office).
 */
export const AUDIT_ROLES = [...ROLES, 'SYSTEM'] as const;
export type AuditRole = (typeof AUDIT_ROLES)[number];

/** One read of personal data (SPEC section 8), or a change of a sharing agreement: who, as what, when, why, which ids. */
export interface AuditEntry {
  seq: number;
  /** ISO 8601 time, e.g. `2024-05-01T08:30:00.000Z`; hashed as text, so store it as text. */
  at: string;
  sub: string;
  role: AuditRole;
  region: string | null;
  department: Department | null;
  /** What the caller declared in `X-Purpose`. */
  purpose: string;
  /** The GraphQL operation (name, or a short description). */
  operation: string;
  subjectIds: string[];
  requestId: string;
  /**
   * The id of the key (`ChainKey.id`) whose HMAC-SHA256 is the entry's hash. Null only for entries
   * written before the chain was keyed, hashed with plain SHA-256; they may only precede every
   * keyed entry (see `verifyChain`).
   */
  keyId: string | null;
  prevHash: string;
  hash: string;
}
export type UnhashedAuditEntry = Omit<AuditEntry, 'hash'>;
/** What a caller of `appendEntry` supplies; the chain fields are computed. */
export type AuditFields = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash' | 'keyId'>;

// Only these fields are hashed, so storage may carry extra columns (ids, indexes) without
// breaking the chain. keep in sync with AuditEntry. The unkeyed list is frozen: entries written
// before the chain was keyed are checked with it.
const UNKEYED_FIELDS = ['seq', 'at', 'sub', 'role', 'region', 'department', 'purpose', 'operation', 'subjectIds', 'requestId', 'prevHash'] as const;
const KEYED_FIELDS = [...UNKEYED_FIELDS, 'keyId'] as const;

function hashedText(entry: UnhashedAuditEntry, fields: readonly (keyof UnhashedAuditEntry)[]): string {
  const picked: Record<string, unknown> = {};
  for (const key of fields) picked[key] = entry[key];
  return canonicalJson(picked);
}

/**
 * How entries were hashed before the chain was keyed: sha256 (hex) of the canonical JSON of the
 * entry's fields, `prevHash` included. Anyone can compute it, so it only shows edits by someone
 * who did not also recompute the hashes; kept to check those old entries.
 */
export function unkeyedHash(entry: UnhashedAuditEntry): string {
  return createHash('sha256').update(hashedText(entry, UNKEYED_FIELDS), 'utf8').digest('hex');
}

/**
 * An entry's hash: HMAC-SHA256 (hex) under `key` of the canonical JSON of its fields, `prevHash`
 * and `keyId` included. Without the key nobody can make an entry that checks, so rewriting the
 * log needs the key, which the audit service alone holds (never its database).
 */
export function keyedHash(entry: UnhashedAuditEntry, key: ChainKey): string {
  if (entry.keyId !== key.id) throw new TypeError(`keyedHash: the entry names key ${entry.keyId ?? '(none)'}, not ${key.id}`);
  return createHmac('sha256', key.secret).update(hashedText(entry, KEYED_FIELDS), 'utf8').digest('hex');
}

/** The next entry of the chain after `previous` (null: the first entry), keyed with `key`. */
export function appendEntry(previous: Pick<AuditEntry, 'seq' | 'hash'> | null, fields: AuditFields, key: ChainKey): AuditEntry {
  const unhashed: UnhashedAuditEntry = {
    ...fields,
    subjectIds: [...fields.subjectIds],
    seq: previous ? previous.seq + 1 : FIRST_SEQ,
    keyId: key.id,
    prevHash: previous ? previous.hash : GENESIS_HASH,
  };
  return { ...unhashed, hash: keyedHash(unhashed, key) };
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
  role: z.enum(AUDIT_ROLES),
  region: z.string().nullable(),
  department: z.enum(DEPARTMENTS).nullable(),
  purpose: z.string(),
  operation: z.string(),
  subjectIds: z.array(z.string()),
  requestId: z.string(),
  keyId: z.string().regex(/^[0-9a-f]{16}$/).nullable(),
  prevHash: z.string().regex(HEX64),
  hash: z.string().regex(HEX64),
});

export type ChainBreak =
  /** Not an audit entry (a field missing or of the wrong type). */
  | 'malformed'
  /** The content does not match the entry's hash: edited after it was written (or re-hashed without the key). */
  | 'edited'
  /** A seq is skipped: entries were deleted. */
  | 'missing'
  /** A seq appears out of order (or twice). */
  | 'reordered'
  /** The seq is right but prevHash is not the previous entry's hash: entries deleted and renumbered, or rewritten. */
  | 'broken_link'
  /** An entry hashed without a key after the chain was keyed: rewritten with the old algorithm. */
  | 'unkeyed'
  /** Keyed with a key the verifier does not hold: a key missing from its keyring, or a forged entry. */
  | 'unknown_key'
  /** Keyed with a key retired before the previous entry's key: forged with an old (leaked) key. */
  | 'retired_key';

/** Where a verified stretch of the chain ends: enough to verify the next stretch on its own. */
export interface ChainPosition {
  seq: number;
  hash: string;
  /** The first keyed entry so far (null: none yet, every entry so far is from before the chain was keyed). */
  keyedFrom: number | null;
  /** The key id of the last keyed entry so far (null: none yet). */
  lastKeyId?: string | null;
}

export type ChainCheck =
  | { ok: true; count: number; head: { seq: number; hash: string } | null; keyedFrom: number | null; lastKeyId: string | null }
  | { ok: false; seq: number; reason: ChainBreak; message: string };

export interface VerifyChainOptions {
  /** The keys entries may name (`ChainKeyring.byId`). */
  keys: ReadonlyMap<string, ChainKey>;
  /** Verify a segment that follows a known-good position instead of the genesis. */
  after?: ChainPosition;
}

/**
 * Checks entries in storage order and reports the first broken one. It proves that the entries
 * given are the ones written, in order, with nothing removed between them, each made with a key
 * the verifier holds (or, before the first keyed entry only, with plain SHA-256: the first keyed
 * entry's MAC covers the last unkeyed hash, so those cannot change either). That nothing was cut
 * off the end needs checkpoints kept where the log's writer cannot change them (the witnesses).
 */
export function verifyChain(entries: readonly AuditEntry[], options: VerifyChainOptions): ChainCheck {
  let expectedSeq = options.after ? options.after.seq + 1 : FIRST_SEQ;
  let expectedPrev = options.after ? options.after.hash : GENESIS_HASH;
  let keyedFrom = options.after?.keyedFrom ?? null;
  let lastKey = options.after?.lastKeyId ? options.keys.get(options.after.lastKeyId) : undefined;
  const seqs = new Set(entries.map((e) => (e as { seq?: unknown }).seq));
  for (const entry of entries) {
    const parsed = entrySchema.safeParse(entry);
    const seq = typeof (entry as { seq?: unknown }).seq === 'number' ? entry.seq : expectedSeq;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return broken(seq, 'malformed', `entry ${seq}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'not an audit entry'}`);
    }
    if (entry.keyId === null) {
      if (keyedFrom !== null) {
        return broken(entry.seq, 'unkeyed', `entry ${entry.seq}: hashed without the key (plain SHA-256) although the chain is keyed from entry ${keyedFrom}: rewritten`);
      }
      if (unkeyedHash(entry) !== entry.hash) return broken(entry.seq, 'edited', `entry ${entry.seq}: content does not match its hash`);
    } else {
      const key = options.keys.get(entry.keyId);
      if (!key) {
        return broken(entry.seq, 'unknown_key', `entry ${entry.seq}: made with key ${entry.keyId}, which is not AUDIT_CHAIN_KEY nor in AUDIT_CHAIN_PREVIOUS_KEYS: a retired key missing from the keyring, or a forged entry`);
      }
      if (keyedHash(entry, key) !== entry.hash) return broken(entry.seq, 'edited', `entry ${entry.seq}: content does not match its hash (edited, or re-hashed without the key)`);
      if (lastKey && key.generation < lastKey.generation) {
        return broken(entry.seq, 'retired_key', `entry ${entry.seq}: made with key ${key.id}, retired before key ${lastKey.id} of an earlier entry: forged with an old key`);
      }
      keyedFrom ??= entry.seq;
      lastKey = key;
    }
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
  return { ok: true, count: entries.length, head: last ? { seq: last.seq, hash: last.hash } : null, keyedFrom, lastKeyId: lastKey?.id ?? null };
}

function broken(seq: number, reason: ChainBreak, message: string): ChainCheck {
  return { ok: false, seq, reason, message };
}
