import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Caller } from './caller.ts';
import { decodeActing, encodeCaller } from './callerHeader.ts';
import { SignatureError } from './errors.ts';
import { NonceCache } from './nonceCache.ts';
import { directionKey, type Secret } from './secrets.ts';

/**
 * The headers of a signed request between two of our services. `from` names the signer (its
 * value is covered by the signature); the audience is not sent: the verifier puts its own name in.
 */
export const SIGNATURE_HEADERS = {
  from: 'x-saf-service',
  timestamp: 'x-saf-timestamp',
  nonce: 'x-saf-nonce',
  caller: 'x-saf-caller',
  signature: 'x-saf-signature',
} as const;

/**
 * The parties that sign: the gateway (to every subgraph), the loader (to a department's
 * `/ingest`), the operator's tools (`npm run audit:verify` to audit), and a subgraph by its own
 * name (coordination to the gateway).
 */
export const GATEWAY = 'gateway';
export const LOADER = 'loader';
export const OPERATOR = 'operator';

export type SignedHeaders = Record<string, string>;
export type RequestBody = string | Uint8Array | null | undefined;

export interface RequestSignerOptions {
  /**
   * The secret `from` and `to` share: the subgraph's (explicit, or `deriveSubgraphSecret(master,
   * name)`) for a request to or from a subgraph. Each direction signs with its own key derived
   * from it (`directionKey`).
   */
  secret: Secret;
  /** Who signs, e.g. `gateway`, `loader`, `coordination`. */
  from: string;
  /** The one service this request is for, e.g. `labour` or `gateway`: every other refuses it. */
  to: string;
}

export interface UnsignedRequest {
  method: string;
  /** The request target as the receiver will see it (`req.url`): path and query, e.g. `/graphql`. */
  path: string;
  /** The exact bytes sent; nothing for a body-less request. */
  body?: RequestBody;
  /** The verified caller the request acts for, or null for a service's own calls (health, `_service`, ingest). */
  caller: Caller | null;
  /**
   * The code of the purpose that caller declared (checked by the gateway), carried in the signed
   * caller header so that no relay can change it; only with a caller.
   */
  purpose?: string | null;
  /** Milliseconds since the epoch; default now. */
  now?: number;
}

export type SignRequestInput = RequestSignerOptions & UnsignedRequest;

/** Signs requests in one direction; the key is derived once. */
export type RequestSigner = (request: UnsignedRequest) => SignedHeaders;

// keep in sync: sign and verify build the same string.
const VERSION = 'SAF-HMAC-SHA256-v2';
// A service's name as the supergraph names it: one line, no separator of the signed string.
const PARTY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const METHOD = /^[A-Z]{1,16}$/;
const PATH = /^\/[\x21-\x7e]*$/;
const TIMESTAMP = /^\d{1,15}$/;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

function party(name: string, what: string): string {
  if (!PARTY.test(name)) throw new TypeError(`${what}: ${JSON.stringify(name)} is not a service name (letters, digits, _ . -)`);
  return name;
}

/** A signer for requests from `from` to `to`. */
export function createRequestSigner(options: RequestSignerOptions): RequestSigner {
  const from = party(options.from, 'createRequestSigner from');
  const to = party(options.to, 'createRequestSigner to');
  const key = directionKey(options.secret, from, to);
  return (request) => {
    const method = request.method.toUpperCase();
    if (!METHOD.test(method)) throw new TypeError(`signRequest: invalid method ${request.method}`);
    if (!PATH.test(request.path)) throw new TypeError('signRequest: path must be a request target starting with /');
    const timestamp = String(Math.floor(request.now ?? Date.now()));
    const nonce = randomBytes(18).toString('base64url');
    if (request.purpose != null && !request.caller) throw new TypeError('signRequest: a purpose is declared by a caller; none given');
    const caller = request.caller ? encodeCaller(request.caller, request.purpose) : '';
    const signature = mac(key, from, to, method, request.path, timestamp, nonce, request.body, caller);
    return {
      [SIGNATURE_HEADERS.from]: from,
      [SIGNATURE_HEADERS.timestamp]: timestamp,
      [SIGNATURE_HEADERS.nonce]: nonce,
      ...(caller ? { [SIGNATURE_HEADERS.caller]: caller } : {}),
      [SIGNATURE_HEADERS.signature]: signature.toString('base64url'),
    };
  };
}

/** The signature headers of one request (a one-off; `createRequestSigner` for many). */
export function signRequest(input: SignRequestInput): SignedHeaders {
  return createRequestSigner(input)(input);
}

/**
 * HMAC-SHA256 with the direction's key over the version, both parties, method, path, timestamp,
 * nonce, body hash and caller, one a line (none may hold a newline but the caller, which is last).
 */
function mac(key: Buffer, from: string, to: string, method: string, path: string, timestamp: string, nonce: string, body: RequestBody, caller: string): Buffer {
  const bodyHash = createHash('sha256')
    .update(body ?? '')
    .digest('hex');
  const text = [VERSION, from, to, method, path, timestamp, nonce, bodyHash, caller].join('\n');
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
  /** This service's name: only requests signed for it (`to`) are accepted. */
  self: string;
  /**
   * The services this one accepts requests from, each with the secret they share, e.g. a
   * department `{ gateway: secret, loader: secret }`, the gateway `{ coordination: secret }`.
   */
  accept: Readonly<Record<string, Secret>>;
  /** Accepted clock difference either way, in milliseconds; default 30 s. */
  windowMs?: number;
  /** Most nonces remembered at once; default 100 000 (over 3 000 requests/s at a 30 s window). */
  maxNonces?: number;
  now?: () => number;
}

/** Who signed a verified request, the caller it acts for (null: the sender's own call) and the purpose code that caller declared (null: none). */
export interface VerifiedSignature {
  from: string;
  caller: Caller | null;
  purpose: string | null;
}

export interface RequestVerifier {
  /**
   * Throws `SignatureError` (status 401 missing, 403 wrong/stale/replayed/not for this service,
   * 503 replay cache full).
   */
  verify(request: IncomingSignedRequest): VerifiedSignature;
}

export function createRequestVerifier(options: RequestVerifierOptions): RequestVerifier {
  const self = party(options.self, 'createRequestVerifier self');
  const keys = new Map<string, Buffer>();
  for (const [from, secret] of Object.entries(options.accept)) keys.set(party(from, 'createRequestVerifier accept'), directionKey(secret, from, self));
  if (keys.size === 0) throw new TypeError('createRequestVerifier: accept names no sender');
  const windowMs = options.windowMs ?? 30_000;
  if (!Number.isFinite(windowMs) || windowMs <= 0) throw new TypeError('createRequestVerifier: windowMs must be positive');
  const now = options.now ?? Date.now;
  // One cache for every sender: a nonce is random, so sharing costs nothing. A request replayed
  // to another service is refused by the MAC (it names its audience), not by this cache, which
  // only sees this process's requests.
  const nonces = new NonceCache(options.maxNonces ?? 100_000);

  function verify(request: IncomingSignedRequest): VerifiedSignature {
    const from = header(request.headers, SIGNATURE_HEADERS.from);
    const timestamp = header(request.headers, SIGNATURE_HEADERS.timestamp);
    const nonce = header(request.headers, SIGNATURE_HEADERS.nonce);
    const signature = header(request.headers, SIGNATURE_HEADERS.signature);
    const callerHeader = header(request.headers, SIGNATURE_HEADERS.caller) ?? '';
    if (from === undefined || timestamp === undefined || nonce === undefined || signature === undefined) {
      throw new SignatureError('missing', `this service answers only ${[...keys.keys()].join(' and ')}: the request signature is missing`);
    }
    const method = request.method.toUpperCase();
    if (!TIMESTAMP.test(timestamp) || !NONCE.test(nonce) || !SIGNATURE.test(signature) || !METHOD.test(method) || !PATH.test(request.path)) {
      throw new SignatureError('malformed', 'the request signature headers are malformed');
    }
    const key = keys.get(from);
    if (!key) throw new SignatureError('unknown_sender', 'this service does not accept requests from that sender');
    const at = Number(timestamp);
    const current = now();
    if (at < current - windowMs) throw new SignatureError('stale', 'the request signature is too old');
    if (at > current + windowMs) throw new SignatureError('future', 'the request signature is dated in the future');

    const expected = mac(key, from, self, method, request.path, timestamp, nonce, request.body, callerHeader);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new SignatureError('bad_signature', 'the request signature does not match (or was made for another service)');
    }
    if (nonces.has(nonce, current)) throw new SignatureError('replayed', 'the request was already received (nonce reused)');
    if (!nonces.add(nonce, at + windowMs, current)) throw new SignatureError('busy', 'too many requests in the signature window');

    if (callerHeader === '') return { from, caller: null, purpose: null };
    const acting = decodeActing(callerHeader);
    if (!acting) throw new SignatureError('caller_invalid', 'the signed caller is not a valid caller');
    return { from, ...acting };
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
