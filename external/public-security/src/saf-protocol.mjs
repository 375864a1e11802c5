// The platform protocol for a department's own service: the reference implementation.
// Copy this one file into your service (Node 18 or later, no dependencies); do not import the
// platform's packages. docs/department-protocol.md says what each part is for.
//
//   createGatewayVerifier({ self, secret })  checks that a request comes from the platform's gateway
//                                            and returns the caller it acts for (and their purpose)
//   signRequest({ secret, from, to, ... })   signs a request (to the schema registry)
//   publishSchema({ registryUrl, ... })      publishes your schema and URL to the schema registry
//
// keep in sync with packages/auth/src/signing.ts, secrets.ts and callerHeader.ts (tests/external-department.test.ts checks it).
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 'SAF-HMAC-SHA256-v2';
const DIRECTION_SALT = 'saf/request-signing/v2';
const MIN_SECRET_BYTES = 32;

/** The headers of a signed request (lower case, as Node gives them). */
export const HEADERS = { from: 'x-saf-service', timestamp: 'x-saf-timestamp', nonce: 'x-saf-nonce', caller: 'x-saf-caller', signature: 'x-saf-signature' };

/** An error with the HTTP status to answer with (401: no signature, 403: a wrong one). */
export class ProtocolError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** A secret is the text the platform's operator gave you, used as its UTF-8 bytes (at least 32). */
function secretBytes(secret) {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length < MIN_SECRET_BYTES) throw new TypeError(`a secret must be at least ${MIN_SECRET_BYTES} bytes`);
  return bytes;
}

/** Each direction has its own key: `gateway>public-security` verifies the gateway's requests to you. */
function directionKey(secret, from, to) {
  return Buffer.from(hkdfSync('sha256', secretBytes(secret), DIRECTION_SALT, `${from}>${to}`, 32));
}

/** HMAC-SHA256 over version, sender, receiver, method, path, timestamp, nonce, body hash and caller, a line each. */
function mac(key, from, to, method, path, timestamp, nonce, body, caller) {
  const bodyHash = createHash('sha256').update(body ?? '').digest('hex');
  return createHmac('sha256', key).update([VERSION, from, to, method, path, timestamp, nonce, bodyHash, caller].join('\n'), 'utf8').digest();
}

function one(headers, name) {
  const value = headers[name];
  if (Array.isArray(value)) {
    if (value.length > 1) throw new ProtocolError(403, `the ${name} header is repeated`);
    return value[0];
  }
  return value;
}

/**
 * The caller a signed request acts for: `{ sub, role, region?, department?, purpose? }`. Roles:
 * CASEWORKER (with `region`, a prefix of the region codes they may see), DEPARTMENT_OFFICER (with
 * `department`), COORDINATOR, ANALYST, AUDITOR. `purpose` is the code of what the caller declared
 * they need the data for (the gateway checked it against the list for their role).
 */
export function decodeCaller(value) {
  if (!value) return null;
  if (value.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(value)) throw new ProtocolError(403, 'the caller header is malformed');
  let json;
  try {
    json = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw new ProtocolError(403, 'the caller header is malformed');
  }
  if (!json || typeof json.sub !== 'string' || typeof json.role !== 'string') throw new ProtocolError(403, 'the caller header names no caller');
  return json;
}

/**
 * Verifies requests from the gateway to your service `self` (the name you publish under) with the
 * signing secret you share with the gateway. `verify({ method, path, headers, body })` — `path`
 * as received (`req.url`), `body` the exact bytes — returns `{ caller, purpose }` (caller null: the
 * gateway's own call, e.g. a health check or `_service`), or throws a ProtocolError. A request
 * older or newer than `windowMs`, or seen before (its nonce), is refused.
 */
export function createGatewayVerifier({ self, secret, windowMs = 30_000, from = 'gateway' }) {
  const key = directionKey(secret, from, self);
  const seen = new Map();
  return {
    verify({ method, path, headers, body }) {
      const sender = one(headers, HEADERS.from);
      const timestamp = one(headers, HEADERS.timestamp);
      const nonce = one(headers, HEADERS.nonce);
      const signature = one(headers, HEADERS.signature);
      const caller = one(headers, HEADERS.caller) ?? '';
      if (!sender || !timestamp || !nonce || !signature) throw new ProtocolError(401, 'this service answers only the platform gateway: the request signature is missing');
      if (sender !== from) throw new ProtocolError(403, 'this service does not accept requests from that sender');
      if (!/^\d{1,15}$/.test(timestamp) || !/^[A-Za-z0-9_-]{16,64}$/.test(nonce) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) throw new ProtocolError(403, 'the request signature headers are malformed');
      const now = Date.now();
      const at = Number(timestamp);
      if (Math.abs(now - at) > windowMs) throw new ProtocolError(403, 'the request signature is too old or dated in the future');
      const expected = mac(key, sender, self, method.toUpperCase(), path, timestamp, nonce, body, caller);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new ProtocolError(403, 'the request signature does not match');
      for (const [n, until] of seen) if (until < now) seen.delete(n);
      if (seen.has(nonce)) throw new ProtocolError(403, 'the request was already received (nonce reused)');
      seen.set(nonce, at + windowMs);
      const acting = decodeCaller(caller);
      if (!acting) return { caller: null, purpose: null };
      const { purpose = null, ...who } = acting;
      return { caller: who, purpose };
    },
  };
}

/** The signature headers of one request from `from` to `to` (e.g. your service to `registry`). */
export function signRequest({ secret, from, to, method, path, body }) {
  const timestamp = String(Date.now());
  const nonce = randomBytes(18).toString('base64url');
  const signature = mac(directionKey(secret, from, to), from, to, method.toUpperCase(), path, timestamp, nonce, body, '');
  return { [HEADERS.from]: from, [HEADERS.timestamp]: timestamp, [HEADERS.nonce]: nonce, [HEADERS.signature]: signature.toString('base64url') };
}

/**
 * Publishes your schema (the SDL text, with its `# Owner:` line) and the URL the gateway should
 * send your requests to, signed with your registry credential. Resolves with the registry's answer:
 * `{ status: 'accepted', version }`, or `{ status: 'refused', errors }` naming why (it does not
 * compose with the graph, or it breaks operations clients use: publish again with `acknowledge`).
 */
export async function publishSchema({ registryUrl, service, secret, sdl, url, publishedBy, acknowledge }) {
  const base = registryUrl.replace(/\/+$/, '');
  const path = `${new URL(base).pathname.replace(/\/+$/, '')}/services/${encodeURIComponent(service)}/versions`;
  const body = JSON.stringify({ sdl, url, publishedBy, ...(acknowledge ? { acknowledge } : {}) });
  const res = await fetch(`${base}/services/${encodeURIComponent(service)}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signRequest({ secret, from: service, to: 'registry', method: 'POST', path, body }) },
    body,
  });
  const answer = await res.json().catch(() => ({ status: 'refused', errors: [`HTTP ${res.status}`] }));
  return { httpStatus: res.status, ...answer };
}
