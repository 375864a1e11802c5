import { parseCaller, type Caller } from './caller.ts';

const MAX_ENCODED_LENGTH = 2048;

/** The caller as the `x-saf-caller` header value: base64url of JSON with a fixed key order. */
export function encodeCaller(caller: Caller): string {
  const parsed = parseCaller(caller);
  if (!parsed.ok) throw new TypeError(`invalid caller: ${parsed.reason}`);
  return Buffer.from(JSON.stringify(parsed.caller), 'utf8').toString('base64url');
}

/** The inverse of `encodeCaller`; null when the value is not a valid caller. */
export function decodeCaller(value: string): Caller | null {
  if (value.length > MAX_ENCODED_LENGTH || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = parseCaller(json);
  return parsed.ok ? parsed.caller : null;
}
