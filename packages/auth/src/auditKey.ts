import { createHmac } from 'node:crypto';
import { AuthConfigError } from './errors.ts';
import { secretBytes } from './secrets.ts';

/**
 * The development key of the access log's chain, committed like the dev JWT key and refused in
 * production (`chainKeyring`). A log keyed with it is only as safe as the repository is secret.
 */
export const DEV_AUDIT_CHAIN_KEY = 'dev-only-insecure-access-log-chain-key-not-for-production';

/** One key of the chain: its secret, and the id entries record so a verifier knows which key made them. */
export interface ChainKey {
  /** 16 hex digits, a MAC of a fixed text under the key: names the key without revealing it. */
  id: string;
  secret: Buffer;
  /**
   * The key's place in the keyring, oldest 0, the current one highest. Along the chain it never
   * goes down: an entry made with a key retired before the previous entry's key is a forgery by
   * whoever kept (or stole) the old key.
   */
  generation: number;
}

/** The key new entries are made with, and every key (previous ones too) entries are checked with. */
export interface ChainKeyring {
  current: ChainKey;
  byId: ReadonlyMap<string, ChainKey>;
}

// Not canonical JSON (every hashed entry starts with `{`), so a key id is never an entry's MAC.
const KEY_ID_TEXT = 'saf/audit-chain/key-id/v1';

export function chainKey(secret: string, what = 'AUDIT_CHAIN_KEY', generation = 0): ChainKey {
  const bytes = secretBytes(secret, what);
  return { id: createHmac('sha256', bytes).update(KEY_ID_TEXT, 'utf8').digest('hex').slice(0, 16), secret: bytes, generation };
}

export interface ChainKeySettings {
  /** AUDIT_CHAIN_KEY: unset outside production means the development key. */
  current?: string;
  /** AUDIT_CHAIN_PREVIOUS_KEYS: keys retired by rotations, oldest first, separated by commas or whitespace. */
  previous?: string;
}

/**
 * The audit service's keyring. In production a missing key, the development key (as current or
 * previous: entries made with it could be forged by anyone with the repository) or a key under
 * 32 bytes stops the service.
 */
export function chainKeyring(settings: ChainKeySettings, nodeEnv: string | undefined): ChainKeyring {
  const production = nodeEnv === 'production';
  const currentText = settings.current || undefined;
  if (currentText === undefined && production) {
    throw new AuthConfigError('NODE_ENV=production needs AUDIT_CHAIN_KEY (or AUDIT_CHAIN_KEY_FILE): at least 32 random bytes, held by the audit service alone');
  }
  const previous = (settings.previous ?? '').split(/[\s,]+/).filter(Boolean);
  if (production && [currentText, ...previous].includes(DEV_AUDIT_CHAIN_KEY)) {
    throw new AuthConfigError('NODE_ENV=production refuses the development access-log chain key (it is in the repository): set AUDIT_CHAIN_KEY to a key of your own, and keep the development key out of AUDIT_CHAIN_PREVIOUS_KEYS');
  }
  const byId = new Map<string, ChainKey>();
  previous.forEach((text, i) => {
    const key = chainKey(text, 'each key in AUDIT_CHAIN_PREVIOUS_KEYS', i);
    byId.set(key.id, key);
  });
  const current = chainKey(currentText ?? DEV_AUDIT_CHAIN_KEY, 'AUDIT_CHAIN_KEY', previous.length);
  byId.set(current.id, current);
  return { current, byId };
}
