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
  /** base64url HMAC-SHA256 under the witness's key (`witnessKey`) of the other fields. */
  signature: string;
}

// Changing either value invalidates every stored countersignature: keep in sync across the
// departments' services and scripts/audit-verify.ts (both call witnessKey).
const WITNESS_SALT = 'saf/audit-witness/v1';
const CHECKPOINT_TEXT = 'SAF-AUDIT-CHECKPOINT-v1';

/**
 * The key a witness countersigns checkpoints with: HKDF of its own signing secret (never stored in
 * any database), so someone with only the witness's database cannot forge or alter a checkpoint.
 */
export function witnessKey(signingSecret: Secret, witness: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secretBytes(signingSecret), WITNESS_SALT, `witness:${witness}`, 32));
}

function mac(key: Buffer, witness: string, checkpoint: Omit<WitnessedCheckpoint, 'signature'>): Buffer {
  const text = [CHECKPOINT_TEXT, witness, String(checkpoint.seq), checkpoint.hash, checkpoint.at].join('\n');
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

export function countersign(key: Buffer, witness: string, checkpoint: Omit<WitnessedCheckpoint, 'signature'>): string {
  return mac(key, witness, checkpoint).toString('base64url');
}

export function countersignatureValid(key: Buffer, witness: string, checkpoint: WitnessedCheckpoint): boolean {
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

/**
 * Checks one witness's checkpoints against the log: each witnessed seq must exist with exactly the
 * witnessed hash, and the log must not end before it. A checkpoint whose countersignature fails is
 * reported and not used (whoever altered it could make it say anything). Problems in seq order.
 */
export function checkCheckpoints(witness: string, key: Buffer, checkpoints: readonly WitnessedCheckpoint[], log: LogAt): CheckpointProblem[] {
  const problems: CheckpointProblem[] = [];
  const problem = (kind: CheckpointProblemKind, seq: number, message: string) => problems.push({ kind, witness, seq, message });
  for (const c of [...checkpoints].sort((a, b) => a.seq - b.seq)) {
    if (!countersignatureValid(key, witness, c)) {
      problem('countersignature', c.seq, `${witness}'s checkpoint of entry ${c.seq} fails its countersignature: ${witness}'s own database was altered`);
      continue;
    }
    const stored = log.hashes.get(c.seq);
    if (stored === undefined) {
      if (c.seq > log.last) problem('truncated', c.seq, `log truncated: ${witness} witnessed seq ${c.seq} at ${c.at}, but the log ends at entry ${log.last}`);
      else problem('missing', c.seq, `entry ${c.seq} missing but witnessed by ${witness} at ${c.at}`);
    } else if (stored !== c.hash) {
      problem('rewritten', c.seq, `entry ${c.seq} is not the one ${witness} witnessed at ${c.at}: its hash differs, so it or an entry before it was rewritten`);
    }
  }
  return problems;
}
