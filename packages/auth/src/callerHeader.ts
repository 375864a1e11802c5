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
  const parsed = parseCaller(caller);
  if (!parsed.ok) throw new TypeError(`invalid caller: ${parsed.reason}`);
  if (purpose != null && !PURPOSE_CODE.test(purpose)) throw new TypeError(`invalid purpose code: ${JSON.stringify(purpose)}`);
  const value = purpose != null ? { ...parsed.caller, purpose } : parsed.caller;
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** The inverse of `encodeCaller`; null when the value is not a valid caller (and purpose code). */
export function decodeActing(value: string): Acting | null {
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
