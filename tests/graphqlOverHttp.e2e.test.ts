import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditServer } from 'graphql-http';
import { startSystem, type System } from './support/system.ts';

/**
 * The GraphQL over HTTP audit (graphql-http's 61 server checks) against the real gateway, with a
 * token on every request. Three checks stay unmet on purpose, each a GET the gateway refuses
 * (Apollo's CSRF prevention): a GET puts the operation and its variables (resident ID numbers,
 * household numbers) in the URL, which proxies, balancers and browser histories keep, and none
 * of our clients needs GET.
 */
const REFUSED_GETS = ['5A70', 'D6D5', '6A70'];

describe('GraphQL over HTTP', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(() => system?.stop());

  it('passes every check of the graphql-http audit but the GETs it refuses on purpose', async () => {
    const token = await system.token({ sub: 'http-audit', role: 'COORDINATOR' });
    const results = await auditServer({
      url: system.gatewayUrl,
      fetchFn: (input: string, init: RequestInit = {}) => {
        const headers = new Headers(init.headers);
        headers.set('authorization', `Bearer ${token}`);
        return fetch(input, { ...init, headers });
      },
    });
    const unmet = results.filter((r) => r.status !== 'ok').map((r) => `${r.id} ${r.status}: ${r.name}`);
    expect(unmet.map((line) => line.slice(0, 4)).sort()).toEqual([...REFUSED_GETS].sort());
    expect(results.length).toBeGreaterThanOrEqual(61);
  });

  it('answers a body that is not JSON with a GraphQL error, not a bespoke shape', async () => {
    const token = await system.token({ sub: 'http-audit', role: 'COORDINATOR' });
    const res = await fetch(system.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query": ' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: [{ message: 'body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('keeps the 4xx for a client that accepts application/graphql-response+json, and 200 for application/json', async () => {
    const token = await system.token({ sub: 'http-audit', role: 'COORDINATOR' });
    const ask = (accept: string) =>
      fetch(system.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ notAField }' }) });
    const modern = await ask('application/graphql-response+json');
    const legacy = await ask('application/json');
    expect(modern.status).toBe(400);
    expect(legacy.status).toBe(200);
    expect(((await legacy.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
