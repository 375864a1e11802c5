import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { secretBytes, type Secret } from './secrets.ts';

/**
 * The access log's head as a witness (a department's service, in its own database) received it:
 * the log had entry `seq` with chain hash `hash` when the witness was told so, at `at` (the
 * witness's own clock), countersigned by the witness.
 */
export interface WitnessedCheckpoint {
  seq: number;
  hash: string;
  /** ISO 8601, when the witness received it; countersigned as written. */
  at: string;
  /** The id of the witness key that countersigned it (`WitnessKey.id`). */
  keyId: string;
  /** base64url HMAC-SHA256 under the witness's key (`witnessKey`) of the other fields. */
  signature: string;
}

/** A witness's countersigning key and the id its checkpoints record. */
export interface WitnessKey {
  /** 16 hex digits naming the key (a MAC of a fixed text): a rotated signing secret gives a new id. */
  id: string;
  secret: Buffer;
}

// Changing either value invalidates every stored countersignature: keep in sync across the
// departments' services and scripts/audit-verify.ts (both call witnessKey).
const WITNESS_SALT = 'saf/audit-witness/v1';
const CHECKPOINT_TEXT = 'SAF-AUDIT-CHECKPOINT-v1';
const KEY_ID_TEXT = 'saf/audit-witness/key-id/v1';

/**
 * The key a witness countersigns checkpoints with: HKDF of its own signing secret (never stored in
 * any database), so someone with only the witness's database cannot forge or alter a checkpoint.
 */
export function witnessKey(signingSecret: Secret, witness: string): WitnessKey {
  const secret = Buffer.from(hkdfSync('sha256', secretBytes(signingSecret), WITNESS_SALT, `witness:${witness}`, 32));
  return { id: createHmac('sha256', secret).update(KEY_ID_TEXT, 'utf8').digest('hex').slice(0, 16), secret };
}

function mac(key: WitnessKey, witness: string, checkpoint: Omit<WitnessedCheckpoint, 'signature' | 'keyId'>): Buffer {
  const text = [CHECKPOINT_TEXT, witness, key.id, String(checkpoint.seq), checkpoint.hash, checkpoint.at].join('\n');
  return createHmac('sha256', key.secret).update(text, 'utf8').digest();
}

/** The witness's countersignature of a checkpoint (its `keyId` is `key.id`). */
export function countersign(key: WitnessKey, witness: string, checkpoint: Omit<WitnessedCheckpoint, 'signature' | 'keyId'>): string {
  return mac(key, witness, checkpoint).toString('base64url');
}

/** Whether `checkpoint` carries `key`'s countersignature (false too when it names another key). */
export function countersignatureValid(key: WitnessKey, witness: string, checkpoint: WitnessedCheckpoint): boolean {
  if (checkpoint.keyId !== key.id) return false;
  const given = Buffer.from(checkpoint.signature, 'base64url');
  const expected = mac(key, witness, checkpoint);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** What the log holds at the witnessed seqs, as the audit service answered. */
export interface LogAt {
  /** The log's last seq (0: empty). */
  last: number;
  /** seq → the stored entry's hash, for the seqs asked about that exist. */
  hashes: ReadonlyMap<number, string>;
}

export type CheckpointProblemKind =
  /** The witnessed entry is gone although the log goes on past it. */
  | 'missing'
  /** The log ends before the witnessed entry: its tail was cut off. */
  | 'truncated'
  /** The witnessed entry is there with another hash: it, or an entry before it, was rewritten. */
  | 'rewritten'
  /** The witness's record fails its own countersignature: the witness's database was altered. */
  | 'countersignature';

export interface CheckpointProblem {
  kind: CheckpointProblemKind;
  witness: string;
  seq: number;
  message: string;
}

export interface CheckpointCheck {
  problems: CheckpointProblem[];
  /**
   * Checkpoints countersigned with an earlier key of the witness (its signing secret was rotated
   * since): compared with the log like the others, but nothing vouches for them. A disagreement is
   * still reported (someone changed the log or the witness's database); an agreement proves nothing.
   */
  unauthenticated: number;
}

/**
 * Checks one witness's checkpoints against the log: each witnessed seq must exist with exactly the
 * witnessed hash, and the log must not end before it. A checkpoint that names the witness's
 * current key but fails its countersignature was altered in the witness's database: reported,
 * and not used (whoever altered it could make it say anything). Problems in seq order.
 */
export function checkCheckpoints(witness: string, key: WitnessKey, checkpoints: readonly WitnessedCheckpoint[], log: LogAt): CheckpointCheck {
  const problems: CheckpointProblem[] = [];
  let unauthenticated = 0;
  const problem = (kind: CheckpointProblemKind, seq: number, message: string) => problems.push({ kind, witness, seq, message });
  for (const c of [...checkpoints].sort((a, b) => a.seq - b.seq)) {
    const retired = c.keyId !== key.id;
    if (retired) unauthenticated += 1;
    else if (!countersignatureValid(key, witness, c)) {
      problem('countersignature', c.seq, `${witness}'s checkpoint of entry ${c.seq} fails its countersignature: ${witness}'s own database was altered`);
      continue;
    }
    const note = retired ? ` (countersigned with ${witness}'s earlier key ${c.keyId})` : '';
    const stored = log.hashes.get(c.seq);
    if (stored === undefined) {
      if (c.seq > log.last) problem('truncated', c.seq, `log truncated: ${witness} witnessed seq ${c.seq} at ${c.at}, but the log ends at entry ${log.last}${note}`);
      else problem('missing', c.seq, `entry ${c.seq} missing but witnessed by ${witness} at ${c.at}${note}`);
    } else if (stored !== c.hash) {
      problem('rewritten', c.seq, `entry ${c.seq} is not the one ${witness} witnessed at ${c.at}: its hash differs, so it or an entry before it was rewritten${note}`);
    }
  }
  return { problems, unauthenticated };
}
