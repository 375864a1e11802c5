/**
 * Issue 30: a department's own service joins with one copied file (docs/reference/saf-protocol.mjs)
 * and the Federation library alone. The file speaks the same protocol as packages/auth.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRequestSigner, createRequestVerifier } from '@saf/auth';
// @ts-expect-error: plain JavaScript, as a department writes it
import { createGatewayVerifier, signRequest } from '../docs/reference/saf-protocol.mjs';

const SECRET = 'a-secret-the-operator-gave-public-security-0123456789';
const reference = new URL('../docs/reference/saf-protocol.mjs', import.meta.url);
const external = new URL('../external/public-security/', import.meta.url);

describe('the protocol a department implements', () => {
  it('the department\'s copy is the reference file', () => {
    expect(readFileSync(new URL('src/saf-protocol.mjs', external), 'utf8')).toBe(readFileSync(reference, 'utf8'));
  });

  it('the department\'s service imports only Node and the Federation library, never the platform\'s packages', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', external), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@apollo/subgraph', 'graphql', 'graphql-tag']);
    for (const file of readdirSync(new URL('src/', external))) {
      const text = readFileSync(new URL(`src/${file}`, external), 'utf8');
      for (const [, spec] of text.matchAll(/from '([^']+)'/g)) expect(spec, `${file} imports ${spec}`).toMatch(/^(node:|\.\/|@apollo\/subgraph$|graphql$|graphql-tag$)/);
    }
  });

  it('verifies what the gateway signs, with the caller and purpose; refuses a changed body, a replay, another audience', () => {
    const sign = createRequestSigner({ secret: SECRET, from: 'gateway', to: 'public-security' });
    const body = '{"query":"{ _service { sdl } }"}';
    const headers = sign({ method: 'POST', path: '/graphql', body, caller: { sub: 'cw-1', role: 'CASEWORKER', region: '654002' }, purpose: 'MINIMUM_LIVING_REVIEW' });
    const verifier = createGatewayVerifier({ self: 'public-security', secret: SECRET });
    expect(verifier.verify({ method: 'POST', path: '/graphql', headers, body: Buffer.from(body) })).toEqual({ caller: { sub: 'cw-1', role: 'CASEWORKER', region: '654002' }, purpose: 'MINIMUM_LIVING_REVIEW' });
    expect(() => verifier.verify({ method: 'POST', path: '/graphql', headers, body: Buffer.from(body) })).toThrow(/already received/);
    const again = sign({ method: 'POST', path: '/graphql', body, caller: null });
    expect(() => verifier.verify({ method: 'POST', path: '/graphql', headers: again, body: Buffer.from(body.replace('sdl', 'sdl ')) })).toThrow(/does not match/);
    const forLabour = createRequestSigner({ secret: SECRET, from: 'gateway', to: 'labour' })({ method: 'POST', path: '/graphql', body, caller: null });
    expect(() => verifier.verify({ method: 'POST', path: '/graphql', headers: forLabour, body })).toThrow(/does not match/);
    expect(() => verifier.verify({ method: 'POST', path: '/graphql', headers: {}, body })).toThrow(expect.objectContaining({ status: 401 }));
  });

  it('signs publications the registry verifies', () => {
    const body = '{"sdl":"type Query { a: Int }"}';
    const headers = signRequest({ secret: SECRET, from: 'public-security', to: 'registry', method: 'POST', path: '/services/public-security/versions', body });
    const registry = createRequestVerifier({ self: 'registry', accept: { 'public-security': SECRET } });
    expect(registry.verify({ method: 'POST', path: '/services/public-security/versions', headers, body }).from).toBe('public-security');
  });
});
