import { parseCaller, type Caller } from './caller.ts';

const MAX_ENCODED_LENGTH = 2048;
/** A purpose's code (packages/auth/purposes.json): what a signed request carries, never a label. */
const PURPOSE_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** Whom a signed request acts for, and the purpose that caller declared (a code), if any. */
export interface Acting {
  caller: Caller;
  purpose: string | null;
}

/**
 * The caller as the `x-saf-caller` header value: base64url of JSON with a fixed key order, with
 * the code of the purpose the caller declared when there is one. The header is covered by the
 * request's signature, so whoever relays the request can change neither.
 */
export function encodeCaller(caller: Caller, purpose?: string | null): string {
  // The same caller and purpose are encoded for each of a request's subgraph calls (8 for a
  // household picture): the value is kept by its fields' text, so each is checked once.
  const key = JSON.stringify([caller.sub, caller.role, caller.region ?? null, caller.department ?? null, purpose ?? null]);
  const known = encoded.get(key);
  if (known !== undefined) return known;
  const parsed = parseCaller(caller);
  if (!parsed.ok) throw new TypeError(`invalid caller: ${parsed.reason}`);
  if (purpose != null && !PURPOSE_CODE.test(purpose)) throw new TypeError(`invalid purpose code: ${JSON.stringify(purpose)}`);
  const value = purpose != null ? { ...parsed.caller, purpose } : parsed.caller;
  const text = Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  remember(encoded, key, text);
  return text;
}

/** Callers recently encoded and decoded (by their text): a few hundred callers are active at once. */
const MEMO_ENTRIES = 2000;
const encoded = new Map<string, string>();
const decoded = new Map<string, Acting | null>();

function remember<V>(memo: Map<string, V>, key: string, value: V): void {
  // Dropped whole when full: the active callers come back within a request or two.
  if (memo.size >= MEMO_ENTRIES) memo.clear();
  memo.set(key, value);
}

/** The inverse of `encodeCaller`; null when the value is not a valid caller (and purpose code). */
export function decodeActing(value: string): Acting | null {
  // Every subgraph decodes the header of each request; the same few values come again and again.
  if (decoded.has(value)) {
    const known = decoded.get(value)!;
    // A copy: what a caller of this function does with it must not reach the next request's.
    return known && { caller: { ...known.caller }, purpose: known.purpose };
  }
  const acting = decodeUncached(value);
  if (value.length <= MAX_ENCODED_LENGTH) remember(decoded, value, acting && { caller: { ...acting.caller }, purpose: acting.purpose });
  return acting;
}

function decodeUncached(value: string): Acting | null {
  if (value.length > MAX_ENCODED_LENGTH || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return null;
  const { purpose, ...rest } = json as Record<string, unknown>;
  if (purpose !== undefined && (typeof purpose !== 'string' || !PURPOSE_CODE.test(purpose))) return null;
  const parsed = parseCaller(rest);
  return parsed.ok ? { caller: parsed.caller, purpose: typeof purpose === 'string' ? purpose : null } : null;
}

/** The caller of an `x-saf-caller` value, whatever purpose it carries; null when not valid. */
export function decodeCaller(value: string): Caller | null {
  return decodeActing(value)?.caller ?? null;
}
