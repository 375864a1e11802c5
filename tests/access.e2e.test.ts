import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken, signRequest, subgraphSigningSecret, type Caller } from '@saf/auth';
import { loadFile } from '@saf/loader';
import { gql, signedFetch, testSecret } from '@saf/testing';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

const run = promisify(execFile);
const HOUSEHOLD = `query ($id: ID!) { household(id: $id) { id members { id name birthDate } awards { id department } } }`;
const CASEWORKER: Caller = { sub: 'cw-yining', role: 'CASEWORKER', region: '654002' };
const CASEWORKER_ELSEWHERE: Caller = { sub: 'cw-huocheng', role: 'CASEWORKER', region: '654023' };
const ANALYST: Caller = { sub: 'an-1', role: 'ANALYST' };
const AUDITOR: Caller = { sub: 'au-1', role: 'AUDITOR' };
const LABOUR_OFFICER: Caller = { sub: 'lb-1', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' };

describe('access control through the gateway', () => {
  let system: System;
  const fixture = householdWithEverything(5);

  beforeAll(async () => {
    system = await startSystem();
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });
  });
  afterAll(() => system?.stop());

  const raw = (headers: Record<string, string>) => gql(system.gatewayUrl, HOUSEHOLD, { id: fixture.householdId }, { 'x-purpose': 'MINIMUM_LIVING_REVIEW', ...headers });

  it('answers 401 UNAUTHENTICATED without a valid token, whatever is wrong with it', async () => {
    const expired = await signDevToken(CASEWORKER, { expiresIn: '1s', now: new Date(Date.now() - 3_600_000) });
    const otherKey = await new SignJWT({ role: 'COORDINATOR' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer('saf-dev').setAudience('saf-gateway').setExpirationTime('1h').sign(new TextEncoder().encode('some-other-secret-that-is-long-enough-1234'));
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'COORDINATOR', iss: 'saf-dev', aud: 'saf-gateway', exp: Math.floor(Date.now() / 1000) + 3600 })).toString('base64url')}.`;
    for (const headers of [{} as Record<string, string>, { authorization: 'Basic abc' }, { authorization: 'Bearer garbage' }, { authorization: `Bearer ${expired}` }, { authorization: `Bearer ${otherKey}` }, { authorization: `Bearer ${none}` }]) {
      const res = await raw(headers);
      expect(res.status).toBe(401);
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(res.data).toBeUndefined();
    }
  });

  it('refuses a request body that is not UTF-8 as such, instead of reading replacement characters into it', async () => {
    // A household id from a client that sends GBK (伊宁 as D2C1 C4FE): refused, not looked up as "H\uFFFD\uFFFD".
    const body = Buffer.concat([Buffer.from(`{"query":"query { household(id: \\"H`), Buffer.from([0xd2, 0xc1, 0xc4, 0xfe]), Buffer.from('\\") { id } }"}')]);
    const token = await signDevToken(CASEWORKER);
    const res = await fetch(system.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'MINIMUM_LIVING_REVIEW' }, body: new Uint8Array(body) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: [{ message: 'body is not valid UTF-8', extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('marks every answer no-store, so no browser, proxy or balancer keeps a copy of personal data', async () => {
    const body = JSON.stringify({ query: HOUSEHOLD, variables: { id: fixture.householdId } });
    const post = (headers: Record<string, string>) => fetch(system.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-purpose': 'MINIMUM_LIVING_REVIEW', ...headers }, body });
    const picture = await post({ authorization: `Bearer ${await system.token(CASEWORKER)}` });
    expect(picture.status).toBe(200);
    expect(((await picture.json()) as { data: { household: { members: unknown[] } } }).data.household.members).toHaveLength(4);
    expect(picture.headers.get('cache-control')).toBe('no-store');
    const refused = await post({});
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    // A subgraph's own answer to the gateway, with the caller the gateway vouches for.
    const civil = system.subgraphs.get('civil-affairs')!;
    const direct = await signedFetch(civil.url, testSecret('civil-affairs'), { body: JSON.stringify({ query: 'query ($id: ID!) { household(id: $id) { id } }', variables: { id: fixture.householdId } }), caller: CASEWORKER });
    expect(direct.status).toBe(200);
    expect(((await direct.json()) as { data: { household: { id: string } } }).data.household.id).toBe(fixture.householdId);
    expect(direct.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a forged internal-service request', async () => {
    const body = JSON.stringify({ query: HOUSEHOLD, variables: { id: fixture.householdId } });
    // Signed as coordination signs for the gateway, but with another subgraph's secret.
    const signed = signRequest({ secret: subgraphSigningSecret('labour', {}, 'test'), from: 'coordination', to: 'gateway', method: 'POST', path: '/graphql', body, caller: { sub: 'x', role: 'COORDINATOR' } });
    const res = await fetch(system.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...signed }, body });
    expect(res.status).toBe(401);
  });

  it('shows a caseworker the households of their jurisdiction, and nothing of others', async () => {
    const mine = await system.query(HOUSEHOLD, { id: fixture.householdId }, { caller: CASEWORKER });
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.household.members).toHaveLength(4);
    const other = await system.query(HOUSEHOLD, { id: fixture.householdId }, { caller: CASEWORKER_ELSEWHERE });
    expect(other.data?.household ?? null).toBeNull();
    expect(other.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const leaked = JSON.stringify(other);
    expect(leaked).not.toContain('阿依古丽');
    expect(leaked).not.toContain(fixture.persons.head);
    const person = await system.query(`query ($id: ID!) { person(id: $id) { name awards { id } } }`, { id: fixture.persons.head }, { caller: CASEWORKER_ELSEWHERE });
    expect(person.data?.person ?? null).toBeNull();
    expect(person.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const search = await system.query(`{ searchHouseholds(regionCode: "654002", text: "王芳") { id } }`, undefined, { caller: CASEWORKER_ELSEWHERE });
    expect(search.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const findings = await system.query(`{ duplicateAidFindings(regionCode: "6540") { totalCount } }`, undefined, { caller: CASEWORKER });
    expect(findings.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('gives analysts and auditors no person-level data by any path', async () => {
    for (const caller of [ANALYST, AUDITOR]) {
      for (const [query, variables] of [
        [HOUSEHOLD, { id: fixture.householdId }],
        [`query ($id: ID!) { person(id: $id) { name birthDate } }`, { id: fixture.persons.head }],
        [`{ searchHouseholds(regionCode: "6540", text: "王芳") { id } }`, {}],
        [`{ duplicateAidFindings(regionCode: "6540") { totalCount } }`, {}],
        [`{ labourAward(id: "LB-5-PUBLIC_WELFARE_JOB") { personId } }`, {}],
      ] as const) {
        const res = await system.query(query, variables, { caller });
        expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        const text = JSON.stringify(res);
        expect(text).not.toContain(fixture.persons.head);
        expect(text).not.toContain('王芳');
        expect(text).not.toContain('1970-05-01');
      }
    }
  });

  it('shows a department officer other departments’ awards without their details', async () => {
    const res = await system.query(
      `query ($id: ID!) { person(id: $id) { civilAffairsAwards { programme startDate status minimumLiving { householdSize } } } spouse: person(id: "${fixture.persons.spouse}") { labourAwards { publicWelfareJob { position } } } }`,
      { id: fixture.persons.head },
      { caller: LABOUR_OFFICER },
    );
    expect(res.data!.person.civilAffairsAwards[0]).toMatchObject({ programme: 'MINIMUM_LIVING_URBAN', status: 'ACTIVE' });
    expect(res.data!.person.civilAffairsAwards[0].minimumLiving).toBeNull();
    expect(res.errors!.map((e) => e.extensions!.code)).toEqual(['FORBIDDEN']);
    expect(res.data!.spouse.labourAwards[0].publicWelfareJob).toEqual({ position: '保洁员' });
    const proposal = { department: 'CIVIL_AFFAIRS', programme: 'TEMPORARY_ASSISTANCE', personId: fixture.persons.head, regionCode: '654002', amountFen: 1, frequency: 'ONCE', startDate: '2025-01-01' };
    const check = await system.query(`query ($a: ProposedAwardInput!) { checkProposedAward(award: $a) { id } }`, { a: proposal }, { caller: LABOUR_OFFICER });
    expect(check.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('lets only a coordinator change the rules, and only the coordination office or local platform sweep', async () => {
    const rules = await system.query(`mutation { updateDuplicateAidRules(rules: "{}", note: "x") { version } }`, undefined, { caller: CASEWORKER });
    expect(rules.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const sweep = await system.query(`mutation { runDuplicateAidSweep(regionCode: "6540") { id } }`, undefined, { caller: ANALYST });
    expect(sweep.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const outside = await system.query(`mutation { runDuplicateAidSweep(regionCode: "654023") { id } }`, undefined, { caller: CASEWORKER });
    expect(outside.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('checks a proposed award with the caller’s own jurisdiction', async () => {
    const proposal = { department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_RURAL', personId: fixture.persons.head, regionCode: '654023', amountFen: 1, frequency: 'MONTHLY', startDate: '2025-01-01' };
    const res = await system.query(`query ($a: ProposedAwardInput!) { checkProposedAward(award: $a) { rule } }`, { a: proposal }, { caller: CASEWORKER_ELSEWHERE });
    expect(res.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const ok = await system.query(`query ($a: ProposedAwardInput!) { checkProposedAward(award: $a) { rule } }`, { a: proposal }, { caller: CASEWORKER });
    expect(ok.data!.checkProposedAward.map((f: { rule: string }) => f.rule)).toEqual(['EXCLUSIVE_PROGRAMMES']);
  });

  it('refuses over-deep, over-wide and over-costly operations before doing any work', async () => {
    const deep = `{ household(id: "x") { members { household { members { household { members { household { members { household { members { household { members { household { members { id } } } } } } } } } } } } } } }`;
    const wide = `{ duplicateAidRules { ${Array.from({ length: 31 }, (_, i) => `a${i}: version`).join(' ')} } }`;
    const roots = `{ ${Array.from({ length: 11 }, (_, i) => `r${i}: household(id: "${i}") { id }`).join(' ')} }`;
    const costly = `{ householdsInRegion(regionCode: "6540", first: 1000) { edges { node { members { awards { id } household { members { id } } } } } } }`;
    for (const [query, limit] of [[deep, 'depth'], [wide, 'aliases'], [roots, 'rootFields'], [costly, 'cost']]) {
      const res = await system.query(query!);
      expect(res.status).toBe(400);
      expect(res.errors!.map((e) => e.extensions!.limit)).toEqual([limit]);
    }
  });

  it('refuses to start in production with the development key or secrets', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', GATEWAY_PORT: '0', LOG_LEVEL: 'silent' };
    delete env.JWT_PUBLIC_KEY;
    delete env.JWT_JWKS_URL;
    const gateway = await run(process.execPath, ['--import', 'tsx', 'gateway/src/index.ts'], { env, timeout: 120_000 }).catch((e) => e);
    expect(gateway.code).not.toBe(0);
    expect(gateway.stderr).toMatch(/production/i);
  });
});
