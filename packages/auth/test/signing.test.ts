import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createRequestSigner,
  createRequestVerifier,
  deriveSubgraphSecret,
  directionKey,
  encodeCaller,
  SIGNATURE_HEADERS,
  SignatureError,
  signRequest,
  type Caller,
  type RequestVerifierOptions,
} from '../src/index.ts';

const master = randomBytes(32);
const labourSecret = deriveSubgraphSecret(master, 'labour');
const T = Date.parse('2024-05-01T08:00:00Z');
const caller: Caller = { sub: 'w1', role: 'CASEWORKER', region: '654002' };
const body = JSON.stringify({ query: '{ _service { sdl } }' });

/** Labour's verifier: it accepts the gateway and the loader, each with labour's secret. */
function setup(options: Partial<RequestVerifierOptions> = {}) {
  let clock = T;
  const verifier = createRequestVerifier({ self: 'labour', accept: { gateway: labourSecret, loader: labourSecret }, now: () => clock, ...options });
  return { verifier, tick: (ms: number) => (clock += ms) };
}

const signed = (overrides: Partial<Parameters<typeof signRequest>[0]> = {}) =>
  signRequest({ secret: labourSecret, from: 'gateway', to: 'labour', method: 'POST', path: '/graphql', body, caller, now: T, ...overrides });

function failure(fn: () => unknown): { reason: string; status: number } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SignatureError);
    return { reason: (err as SignatureError).reason, status: (err as SignatureError).status };
  }
  throw new Error('expected a SignatureError');
}

describe('signRequest / createRequestVerifier', () => {
  it('returns the sender and the caller it signed', () => {
    const headers = signed();
    expect(Object.keys(headers).sort()).toEqual(['x-saf-caller', 'x-saf-nonce', 'x-saf-service', 'x-saf-signature', 'x-saf-timestamp']);
    expect(headers[SIGNATURE_HEADERS.from]).toBe('gateway');
    expect(setup().verifier.verify({ method: 'POST', path: '/graphql', body, headers })).toEqual({ from: 'gateway', caller, purpose: null });
    const loader = signed({ from: 'loader', caller: null, path: '/ingest/l1/commit' });
    expect(setup().verifier.verify({ method: 'POST', path: '/ingest/l1/commit', body, headers: loader })).toEqual({ from: 'loader', caller: null, purpose: null });
  });

  it('returns the purpose code the caller declared, signed with the caller', () => {
    const headers = signed({ purpose: 'MINIMUM_LIVING_REVIEW' });
    expect(setup().verifier.verify({ method: 'POST', path: '/graphql', body, headers })).toEqual({ from: 'gateway', caller, purpose: 'MINIMUM_LIVING_REVIEW' });
    expect(() => signed({ caller: null, purpose: 'AUDIT' })).toThrow(/purpose is declared by a caller/);
    expect(() => signed({ purpose: '低保审核' })).toThrow(/invalid purpose code/);
  });

  it('returns a null caller for an anonymous system call (no caller header)', () => {
    const headers = signed({ caller: null });
    expect(headers[SIGNATURE_HEADERS.caller]).toBeUndefined();
    expect(setup().verifier.verify({ method: 'POST', path: '/graphql', body, headers })).toEqual({ from: 'gateway', caller: null, purpose: null });
  });

  it('reads fetch Headers and Buffer bodies alike', () => {
    const headers = new Headers(signed());
    expect(setup().verifier.verify({ method: 'post', path: '/graphql', body: Buffer.from(body), headers }).caller).toEqual(caller);
  });

  it('signs with a signer made once as a one-off signature does', () => {
    const sign = createRequestSigner({ secret: labourSecret, from: 'gateway', to: 'labour' });
    const { verifier } = setup();
    for (let i = 0; i < 3; i++) expect(verifier.verify({ method: 'POST', path: '/graphql', body, headers: sign({ method: 'POST', path: '/graphql', body, caller, now: T }) }).caller).toEqual(caller);
  });

  it('answers 401 when the signature headers are missing', () => {
    const { verifier } = setup();
    expect(failure(() => verifier.verify({ method: 'POST', path: '/graphql', body, headers: {} }))).toEqual({ reason: 'missing', status: 401 });
    const { [SIGNATURE_HEADERS.signature]: _dropped, ...unsigned } = signed();
    expect(failure(() => verifier.verify({ method: 'POST', path: '/graphql', body, headers: unsigned }))).toEqual({ reason: 'missing', status: 401 });
  });

  it.each<[string, () => { path?: string; method?: string; body?: string; headers: Record<string, string> }]>([
    ['a wrong secret', () => ({ headers: signed({ secret: randomBytes(32) }) })],
    ['the secret of another subgraph', () => ({ headers: signed({ secret: deriveSubgraphSecret(master, 'civil-affairs') }) })],
    ['a changed body', () => ({ headers: signed(), body: body.replace('sdl', 'sdl __typename') })],
    ['a changed path', () => ({ headers: signed(), path: '/graphql?x=1' })],
    ['a changed method', () => ({ headers: signed(), method: 'GET' })],
    ['a forged caller', () => ({ headers: { ...signed(), [SIGNATURE_HEADERS.caller]: encodeCaller({ sub: 'w1', role: 'COORDINATOR' }) } })],
    ['a purpose added to the caller', () => ({ headers: { ...signed(), [SIGNATURE_HEADERS.caller]: encodeCaller(caller, 'AUDIT') } })],
    ['a changed purpose', () => ({ headers: { ...signed({ purpose: 'MINIMUM_LIVING_REVIEW' }), [SIGNATURE_HEADERS.caller]: encodeCaller(caller, 'HOME_VISIT') } })],
    ['a removed purpose', () => ({ headers: { ...signed({ purpose: 'MINIMUM_LIVING_REVIEW' }), [SIGNATURE_HEADERS.caller]: encodeCaller(caller) } })],
    ['a removed caller (posing as the gateway itself)', () => {
      const { [SIGNATURE_HEADERS.caller]: _c, ...headers } = signed();
      return { headers };
    }],
    ['a changed timestamp', () => ({ headers: { ...signed(), [SIGNATURE_HEADERS.timestamp]: String(T + 1) } })],
    ['a changed nonce', () => ({ headers: { ...signed(), [SIGNATURE_HEADERS.nonce]: randomBytes(18).toString('base64url') } })],
  ])('answers 403 for %s', (_name, make) => {
    const request = make();
    const result = failure(() => setup().verifier.verify({ method: 'POST', path: '/graphql', body, ...request }));
    expect(result).toEqual({ reason: 'bad_signature', status: 403 });
  });

  it('answers 403 for malformed or repeated headers', () => {
    const { verifier } = setup();
    const headers = signed();
    expect(failure(() => verifier.verify({ method: 'POST', path: '/graphql', body, headers: { ...headers, [SIGNATURE_HEADERS.signature]: 'x' } }))).toEqual({ reason: 'malformed', status: 403 });
    const repeated = { ...headers, [SIGNATURE_HEADERS.caller]: [headers[SIGNATURE_HEADERS.caller] ?? '', encodeCaller({ sub: 'x', role: 'AUDITOR' })] };
    expect(failure(() => verifier.verify({ method: 'POST', path: '/graphql', body, headers: repeated }))).toEqual({ reason: 'malformed', status: 403 });
  });

  it('answers 403 for a timestamp outside the window either way, and accepts one inside', () => {
    expect(failure(() => setup().verifier.verify({ method: 'POST', path: '/graphql', body, headers: signed({ now: T - 30_001 }) }))).toEqual({ reason: 'stale', status: 403 });
    expect(failure(() => setup().verifier.verify({ method: 'POST', path: '/graphql', body, headers: signed({ now: T + 30_001 }) }))).toEqual({ reason: 'future', status: 403 });
    expect(setup().verifier.verify({ method: 'POST', path: '/graphql', body, headers: signed({ now: T - 29_000 }) }).caller).toEqual(caller);
    expect(failure(() => setup({ windowMs: 5000 }).verifier.verify({ method: 'POST', path: '/graphql', body, headers: signed({ now: T - 6000 }) })).reason).toBe('stale');
  });

  it('answers 403 to a replayed request', () => {
    const { verifier, tick } = setup();
    const request = { method: 'POST', path: '/graphql', body, headers: signed() };
    expect(verifier.verify(request).caller).toEqual(caller);
    tick(10_000);
    expect(failure(() => verifier.verify(request))).toEqual({ reason: 'replayed', status: 403 });
    tick(30_000);
    // Once out of the window the nonce may be forgotten: the timestamp refuses the replay.
    expect(failure(() => verifier.verify(request))).toEqual({ reason: 'stale', status: 403 });
  });

  it('keeps memory bounded: a full replay cache refuses (503) until nonces expire', () => {
    const { verifier, tick } = setup({ maxNonces: 3 });
    const fresh = () => ({ method: 'POST', path: '/graphql', body, headers: signed({ now: T + elapsed }) });
    let elapsed = 0;
    for (let i = 0; i < 3; i++) verifier.verify(fresh());
    expect(failure(() => verifier.verify(fresh()))).toEqual({ reason: 'busy', status: 503 });
    elapsed = tick(31_000) - T;
    expect(verifier.verify(fresh()).caller).toEqual(caller);
  });

  it('refuses weak secrets, and names that could forge the signed string', () => {
    expect(() => createRequestVerifier({ self: 'labour', accept: { gateway: 'short' } })).toThrow(/at least 32 bytes/);
    expect(() => signRequest({ secret: 'short', from: 'gateway', to: 'labour', method: 'POST', path: '/graphql', caller: null })).toThrow(/at least 32 bytes/);
    expect(() => createRequestSigner({ secret: labourSecret, from: 'gateway\nlabour', to: 'labour' })).toThrow(/not a service name/);
    expect(() => createRequestVerifier({ self: 'labour', accept: {} })).toThrow(/no sender/);
  });
});

/**
 * Issue 25, hole 11: a signature names its direction and audience, and each direction has its own
 * key, so a request signed for one service is refused by every other, even where two share a secret.
 */
describe('a signature is bound to its direction and audience', () => {
  // One secret for everything: what is refused here is refused by the MAC, not by a key mismatch.
  const shared = randomBytes(32);
  const coordinationSecret = deriveSubgraphSecret(master, 'coordination');
  const verifierOf = (self: string, accept: Record<string, Buffer>) => createRequestVerifier({ self, accept, now: () => T });
  const sign = (secret: Buffer, from: string, to: string, path = '/graphql') => signRequest({ secret, from, to, method: 'POST', path, body, caller, now: T });
  const attempt = (verifier: ReturnType<typeof verifierOf>, headers: Record<string, string>, path = '/graphql') => failure(() => verifier.verify({ method: 'POST', path, body, headers }));

  it('the gateway refuses a gateway→coordination request, as sent or relabelled as coordination’s', () => {
    const gateway = verifierOf('gateway', { coordination: coordinationSecret });
    const captured = sign(coordinationSecret, 'gateway', 'coordination');
    expect(attempt(gateway, captured)).toEqual({ reason: 'unknown_sender', status: 403 });
    expect(attempt(gateway, { ...captured, [SIGNATURE_HEADERS.from]: 'coordination' })).toEqual({ reason: 'bad_signature', status: 403 });
    // What the gateway accepts: coordination's own requests to it.
    expect(gateway.verify({ method: 'POST', path: '/graphql', body, headers: sign(coordinationSecret, 'coordination', 'gateway') })).toEqual({ from: 'coordination', caller, purpose: null });
  });

  it('coordination refuses a coordination→gateway request, as sent or relabelled as the gateway’s', () => {
    const coordination = verifierOf('coordination', { gateway: coordinationSecret });
    const captured = sign(coordinationSecret, 'coordination', 'gateway');
    expect(attempt(coordination, captured)).toEqual({ reason: 'unknown_sender', status: 403 });
    expect(attempt(coordination, { ...captured, [SIGNATURE_HEADERS.from]: 'gateway' })).toEqual({ reason: 'bad_signature', status: 403 });
  });

  it('a subgraph refuses a request signed for another, even with the same secret', () => {
    const health = verifierOf('health', { gateway: shared, loader: shared });
    expect(attempt(health, sign(shared, 'gateway', 'labour'))).toEqual({ reason: 'bad_signature', status: 403 });
    expect(attempt(health, sign(shared, 'loader', 'labour', '/ingest/l1/commit'), '/ingest/l1/commit')).toEqual({ reason: 'bad_signature', status: 403 });
    expect(health.verify({ method: 'POST', path: '/graphql', body, headers: sign(shared, 'gateway', 'health') }).from).toBe('gateway');
  });

  it('a verifier refuses a sender it does not name, and a sender passed off as another', () => {
    const labourGatewayOnly = verifierOf('labour', { gateway: shared });
    expect(attempt(labourGatewayOnly, sign(shared, 'loader', 'labour'))).toEqual({ reason: 'unknown_sender', status: 403 });
    expect(attempt(labourGatewayOnly, { ...sign(shared, 'loader', 'labour'), [SIGNATURE_HEADERS.from]: 'gateway' })).toEqual({ reason: 'bad_signature', status: 403 });
    const audit = verifierOf('audit', { gateway: shared, operator: shared });
    expect(attempt(audit, { ...sign(shared, 'operator', 'audit'), [SIGNATURE_HEADERS.from]: 'gateway' })).toEqual({ reason: 'bad_signature', status: 403 });
  });

  it('a request without a sender is refused as unsigned (a v1 signature)', () => {
    const { [SIGNATURE_HEADERS.from]: _from, ...v1 } = sign(shared, 'gateway', 'labour');
    expect(attempt(verifierOf('labour', { gateway: shared }), v1)).toEqual({ reason: 'missing', status: 401 });
  });

  it('derives a key per direction and audience from one secret', () => {
    const keys = [
      directionKey(shared, 'gateway', 'coordination'),
      directionKey(shared, 'coordination', 'gateway'),
      directionKey(shared, 'gateway', 'labour'),
      directionKey(shared, 'loader', 'labour'),
      directionKey(shared, 'gateway', 'health'),
    ].map((k) => k.toString('hex'));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).not.toContain(shared.toString('hex'));
    expect(directionKey(shared, 'gateway', 'labour').equals(directionKey(Buffer.from(shared), 'gateway', 'labour'))).toBe(true);
  });
});
