/**
 * Issue 25, hole 12: in production no error suggests the schema's names ("Did you mean …"), at
 * the gateway or at a subgraph, whether the misspelling is in the query or in its variables.
 * Development still suggests them. The system runs as deployed in production: a real JWT key
 * (Ed25519, made here) and a signing secret that is not the development one.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken, subgraphSigningSecret, type Caller } from '@saf/auth';
import { gql, signedFetch } from '@saf/testing';
import { startGateway, type ExtraGateway } from './support/faults.ts';
import { startSystem, type System } from './support/system.ts';

const ISSUER = 'https://idp.example.gov.cn';
const COORDINATOR: Caller = { sub: 'co-1', role: 'COORDINATOR' };
const keys = generateKeyPairSync('ed25519');
const ENV = {
  NODE_ENV: 'production',
  JWT_PUBLIC_KEY: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  JWT_ISSUER: ISSUER,
  SUBGRAPH_SIGNING_SECRET: randomBytes(32).toString('base64'),
};

/** Misspellings, each with the name graphql-js would suggest for it. */
const CASES: { what: string; query: string; variables?: Record<string, unknown>; suggests: string }[] = [
  { what: 'a field', query: `{ person(id: "654002197005010011") { nme } }`, suggests: '"name"' },
  { what: 'a root field', query: `{ househld(id: "H1") { id } }`, suggests: '"household"' },
  { what: 'an argument', query: `{ duplicateAidFindings(regionCode: "6540", statu: OPEN) { totalCount } }`, suggests: '"status"' },
  { what: 'a type in a variable', query: `query ($s: FindingStatu) { duplicateAidFindings(regionCode: "6540", status: $s) { totalCount } }`, suggests: '"FindingStatus"' },
  { what: 'a type in a fragment', query: `{ person(id: "654002197005010011") { ... on Persn { id } } }`, suggests: '"Person"' },
  { what: 'an enum value', query: `{ duplicateAidFindings(regionCode: "6540", status: OPN) { totalCount } }`, suggests: '"OPEN"' },
  { what: 'an enum value in a variable', query: `query ($s: FindingStatus) { duplicateAidFindings(regionCode: "6540", status: $s) { totalCount } }`, variables: { s: 'OPN' }, suggests: '"OPEN"' },
  {
    what: 'an input field in a variable',
    query: `query ($a: ProposedAwardInput!) { checkProposedAward(award: $a) { id } }`,
    variables: { a: { department: 'LABOUR', programme: 'PUBLIC_WELFARE_JOB', personId: '654002197005010011', householdI: 'H1', regionCode: '654002', amountFen: 1, frequency: 'MONTHLY', startDate: '2024-01-01' } },
    suggests: '"householdId"',
  },
];

const messages = (res: { errors?: { message: string }[] }) => (res.errors ?? []).map((e) => e.message).join('\n');

describe('schema suggestions in error messages', () => {
  let system: System;
  let development: ExtraGateway;
  let token: string;

  beforeAll(async () => {
    system = await startSystem({ env: ENV });
    token = await signToken(COORDINATOR, { key: keys.privateKey, algorithm: 'EdDSA', issuer: ISSUER }, { expiresIn: '1h' });
    // The same subgraphs behind a development gateway.
    development = await startGateway(system, { env: { SUBGRAPH_SIGNING_SECRET: ENV.SUBGRAPH_SIGNING_SECRET } });
  });
  afterAll(async () => {
    await development?.stop();
    await system?.stop();
  });

  it.each(CASES)('the production gateway suggests no name for a misspelt $what', async ({ query, variables, suggests }) => {
    const res = await gql(system.gatewayUrl, query, variables, { authorization: `Bearer ${token}`, 'x-purpose': 'SUPERVISION' });
    expect(res.data ?? null).toBeNull();
    const text = messages(res);
    expect(text).not.toBe('');
    expect(text).not.toMatch(/did you mean/i);
    expect(text).not.toContain(suggests);
  });

  it.each(CASES)('a development gateway still suggests a name for a misspelt $what', async ({ query, variables, suggests }) => {
    const text = messages(await development.query(query, variables));
    expect(text).toContain('Did you mean');
    expect(text).toContain(suggests);
  });

  it('a production subgraph suggests no name either, in the query or its variables', async () => {
    const coordination = system.subgraphs.get('coordination')!.url;
    const secret = subgraphSigningSecret('coordination', ENV, 'production');
    for (const { query, variables, suggests } of CASES.filter((c) => /duplicateAidFindings|checkProposedAward/.test(c.query))) {
      const res = await signedFetch(coordination, secret, { to: 'coordination', body: JSON.stringify({ query, variables }) });
      const text = await res.text();
      expect(text).toContain('"errors"');
      expect(text).not.toMatch(/did you mean/i);
      expect(text).not.toContain(suggests);
    }
  });
});
