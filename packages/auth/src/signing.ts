import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Caller } from './caller.ts';
import { decodeCaller, encodeCaller } from './callerHeader.ts';
import { SignatureError } from './errors.ts';
import { NonceCache } from './nonceCache.ts';
import { secretBytes, type Secret } from './secrets.ts';

/** The headers the gateway adds to every subgraph request. */
export const SIGNATURE_HEADERS = {
  timestamp: 'x-saf-timestamp',
  nonce: 'x-saf-nonce',
  caller: 'x-saf-caller',
  signature: 'x-saf-signature',
} as const;

export type SignedHeaders = Record<string, string>;
export type RequestBody = string | Uint8Array | null | undefined;

export interface SignRequestInput {
  /** The subgraph's secret (explicit, or `deriveSubgraphSecret(master, name)`). */
  secret: Secret;
  method: string;
  /** The request target as the subgraph will see it (`req.url`): path and query, e.g. `/graphql`. */
  path: string;
  /** The exact bytes sent; nothing for a body-less request. */
  body?: RequestBody;
  /** The verified caller, or null for the gateway's own calls (health, `_service`). */
  caller: Caller | null;
  /** Milliseconds since the epoch; default now. */
  now?: number;
}

// keep in sync: sign and verify build the same string.
const VERSION = 'SAF-HMAC-SHA256-v1';
const METHOD = /^[A-Z]{1,16}$/;
const PATH = /^\/[\x21-\x7e]*$/;
const TIMESTAMP = /^\d{1,15}$/;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

/** The signature headers for one request to a subgraph. */
export function signRequest(input: SignRequestInput): SignedHeaders {
  const key = secretBytes(input.secret);
  const method = input.method.toUpperCase();
  if (!METHOD.test(method)) throw new TypeError(`signRequest: invalid method ${input.method}`);
  if (!PATH.test(input.path)) throw new TypeError('signRequest: path must be a request target starting with /');
  const timestamp = String(Math.floor(input.now ?? Date.now()));
  const nonce = randomBytes(18).toString('base64url');
  const caller = input.caller ? encodeCaller(input.caller) : '';
  const signature = mac(key, method, input.path, timestamp, nonce, input.body, caller);
  return {
    [SIGNATURE_HEADERS.timestamp]: timestamp,
    [SIGNATURE_HEADERS.nonce]: nonce,
    ...(caller ? { [SIGNATURE_HEADERS.caller]: caller } : {}),
    [SIGNATURE_HEADERS.signature]: signature.toString('base64url'),
  };
}

function mac(key: Buffer, method: string, path: string, timestamp: string, nonce: string, body: RequestBody, caller: string): Buffer {
  const bodyHash = createHash('sha256')
    .update(body ?? '')
    .digest('hex');
  const text = [VERSION, method, path, timestamp, nonce, bodyHash, caller].join('\n');
  return createHmac('sha256', key).update(text, 'utf8').digest();
}

/** Node's `IncomingHttpHeaders`, a plain record, or fetch `Headers`. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

export interface IncomingSignedRequest {
  method: string;
  path: string;
  body?: RequestBody;
  headers: HeaderSource;
}

export interface RequestVerifierOptions {
  /** This subgraph's secret: the one the gateway signs its requests to this subgraph with. */
  secret: Secret;
  /** Accepted clock difference either way, in milliseconds; default 30 s. */
  windowMs?: number;
  /** Most nonces remembered at once; default 100 000 (over 3 000 requests/s at a 30 s window). */
  maxNonces?: number;
  now?: () => number;
}

export interface RequestVerifier {
  /**
   * The caller the gateway vouches for, or null for the gateway's own anonymous calls. Throws
   * `SignatureError` (status 401 missing, 403 wrong/stale/replayed, 503 replay cache full).
   */
  verify(request: IncomingSignedRequest): Caller | null;
}

export function createRequestVerifier(options: RequestVerifierOptions): RequestVerifier {
  const key = secretBytes(options.secret);
  const windowMs = options.windowMs ?? 30_000;
  if (!Number.isFinite(windowMs) || windowMs <= 0) throw new TypeError('createRequestVerifier: windowMs must be positive');
  const now = options.now ?? Date.now;
  const nonces = new NonceCache(options.maxNonces ?? 100_000);

  function verify(request: IncomingSignedRequest): Caller | null {
    const timestamp = header(request.headers, SIGNATURE_HEADERS.timestamp);
    const nonce = header(request.headers, SIGNATURE_HEADERS.nonce);
    const signature = header(request.headers, SIGNATURE_HEADERS.signature);
    const callerHeader = header(request.headers, SIGNATURE_HEADERS.caller) ?? '';
    if (timestamp === undefined || nonce === undefined || signature === undefined) {
      throw new SignatureError('missing', 'this service answers only the gateway: the request signature is missing');
    }
    const method = request.method.toUpperCase();
    if (!TIMESTAMP.test(timestamp) || !NONCE.test(nonce) || !SIGNATURE.test(signature) || !METHOD.test(method) || !PATH.test(request.path)) {
      throw new SignatureError('malformed', 'the request signature headers are malformed');
    }
    const at = Number(timestamp);
    const current = now();
    if (at < current - windowMs) throw new SignatureError('stale', 'the request signature is too old');
    if (at > current + windowMs) throw new SignatureError('future', 'the request signature is dated in the future');

    const expected = mac(key, method, request.path, timestamp, nonce, request.body, callerHeader);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new SignatureError('bad_signature', 'the request signature does not match');
    }
    if (nonces.has(nonce, current)) throw new SignatureError('replayed', 'the request was already received (nonce reused)');
    if (!nonces.add(nonce, at + windowMs, current)) throw new SignatureError('busy', 'too many requests in the signature window');

    if (callerHeader === '') return null;
    const caller = decodeCaller(callerHeader);
    if (!caller) throw new SignatureError('caller_invalid', 'the signed caller is not a valid caller');
    return caller;
  }

  return { verify };
}

/** One header value; a repeated header is refused rather than one of its values picked. */
function header(headers: HeaderSource, name: string): string | undefined {
  // fetch Headers joins repeats with ", ", which no signature header's format allows.
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  let value = headers[name];
  if (value === undefined) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  if (Array.isArray(value)) {
    if (value.length > 1) throw new SignatureError('malformed', `the ${name} header is repeated`);
    return value[0];
  }
  return value;
}
