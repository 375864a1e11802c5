import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createRequestVerifier,
  deriveSubgraphSecret,
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

function setup(options: Partial<RequestVerifierOptions> = {}) {
  let clock = T;
  const verifier = createRequestVerifier({ secret: labourSecret, now: () => clock, ...options });
  return { verifier, tick: (ms: number) => (clock += ms) };
}

const signed = (overrides: Partial<Parameters<typeof signRequest>[0]> = {}) =>
  signRequest({ secret: labourSecret, method: 'POST', path: '/graphql', body, caller, now: T, ...overrides });

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
  it('returns the caller the gateway signed', () => {
    const headers = signed();
    expect(Object.keys(headers).sort()).toEqual(['x-saf-caller', 'x-saf-nonce', 'x-saf-signature', 'x-saf-timestamp']);
    expect(setup().verifier.verify({ method: 'POST', path: '/graphql', body, headers })).toEqual(caller);
  });

  it('returns null for an anonymous system call (no caller header)', () => {
    const headers = signed({ caller: null });
    expect(headers[SIGNATURE_HEADERS.caller]).toBeUndefined();
    expect(setup().verifier.verify({ method: 'POST', path: '/graphql', body, headers })).toBeNull();
  });

  it('reads fetch Headers and Buffer bodies alike', () => {
    const headers = new Headers(signed());
    expect(setup().verifier.verify({ method: 'post', path: '/graphql', body: Buffer.from(body), headers })).toEqual(caller);
  });

  it('answers 401 when the signature headers are missing', () => {
    const { verifier } = setup();
    expect(failure(() => verifier.verify({ method: 'POST', path: '/graphql', body, headers: {} }))).toEqual({ reason: 'missing', status: 401 });
    const { [SIGNATURE_HEADERS.signature]: _dropped, ...unsigned } = signed();
    expect(failure(() => verifier.verify({ method: 'POST', path: '/graphql', body, headers: unsigned }))).toEqual({ reason: 'missing', status: 401 });
  });

  it.each<[string, () => { path?: string; method?: string; body?: string; headers: Record<string, string> }]>([
    ['a wrong secret', () => ({ headers: signRequest({ secret: randomBytes(32), method: 'POST', path: '/graphql', body, caller, now: T }) })],
    ['the secret of another subgraph', () => ({ headers: signed({ secret: deriveSubgraphSecret(master, 'civil-affairs') }) })],
    ['a changed body', () => ({ headers: signed(), body: body.replace('sdl', 'sdl __typename') })],
    ['a changed path', () => ({ headers: signed(), path: '/graphql?x=1' })],
    ['a changed method', () => ({ headers: signed(), method: 'GET' })],
    ['a forged caller', () => ({ headers: { ...signed(), [SIGNATURE_HEADERS.caller]: encodeCaller({ sub: 'w1', role: 'COORDINATOR' }) } })],
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
    expect(setup().verifier.verify({ method: 'POST', path: '/graphql', body, headers: signed({ now: T - 29_000 }) })).toEqual(caller);
    expect(failure(() => setup({ windowMs: 5000 }).verifier.verify({ method: 'POST', path: '/graphql', body, headers: signed({ now: T - 6000 }) })).reason).toBe('stale');
  });

  it('answers 403 to a replayed request', () => {
    const { verifier, tick } = setup();
    const request = { method: 'POST', path: '/graphql', body, headers: signed() };
    expect(verifier.verify(request)).toEqual(caller);
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
    expect(verifier.verify(fresh())).toEqual(caller);
  });

  it('refuses weak secrets', () => {
    expect(() => createRequestVerifier({ secret: 'short' })).toThrow(/at least 32 bytes/);
    expect(() => signRequest({ secret: 'short', method: 'POST', path: '/graphql', caller: null })).toThrow(/at least 32 bytes/);
  });
});
