/**
 * Issue 29, trusted operations: in production a caller runs only registered documents, the
 * console's (registered at build, gateway/trusted-operations.json) and those registered against a
 * sharing agreement for their office, by text or by hash, unless an agreement lets their office
 * send ad-hoc queries (the coordination office's shipped defaults do). The system runs as
 * deployed in production: a real JWT key and signing secret.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken, type Caller } from '@saf/auth';
import { gql } from '@saf/testing';
import { startSystem, type System } from './support/system.ts';

const ISSUER = 'https://idp.example.gov.cn';
const keys = generateKeyPairSync('ed25519');
const ENV = {
  NODE_ENV: 'production',
  JWT_PUBLIC_KEY: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  JWT_ISSUER: ISSUER,
  SUBGRAPH_SIGNING_SECRET: randomBytes(32).toString('base64'),
};
const CASEWORKER: Caller = { sub: 'cw-trusted', role: 'CASEWORKER', region: '654002' };
const LABOUR: Caller = { sub: 'lb-trusted', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' };
const HEALTH: Caller = { sub: 'he-trusted', role: 'DEPARTMENT_OFFICER', department: 'HEALTH' };
const COORDINATOR: Caller = { sub: 'co-trusted', role: 'COORDINATOR' };

const manifest = JSON.parse(readFileSync(new URL('../gateway/trusted-operations.json', import.meta.url), 'utf8')) as { operations: Array<{ name: string; hash: string; document: string }> };
const consoleOp = (name: string) => manifest.operations.find((o) => o.name === name)!;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('trusted operations in production', () => {
  let system: System;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    system = await startSystem({ env: ENV });
    for (const caller of [CASEWORKER, LABOUR, HEALTH, COORDINATOR]) tokens.set(caller.sub, await signToken(caller, { key: keys.privateKey, algorithm: 'EdDSA', issuer: ISSUER }, { expiresIn: '1h' }));
  });
  afterAll(async () => {
    await system?.stop();
  });

  const headers = (caller: Caller, purpose: string) => ({ authorization: `Bearer ${tokens.get(caller.sub)}`, 'x-purpose': purpose });
  const send = (caller: Caller, purpose: string, body: Record<string, unknown>) =>
    fetch(system.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers(caller, purpose) }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, ...((await r.json()) as { data?: any; errors?: any[] }) }));

  it('runs the console\'s registered operations, by text and by hash', async () => {
    const op = consoleOp('AssistanceTargets');
    const byText = await gql(system.gatewayUrl, op.document, { regionCode: '6540' }, headers(COORDINATOR, 'SUPERVISION'));
    expect(byText.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('OPERATION_NOT_REGISTERED');
    const search = consoleOp('SearchHouseholds');
    const byHash = await send(CASEWORKER, 'MINIMUM_LIVING_REVIEW', { variables: { regionCode: '654002', text: '王芳' }, extensions: { persistedQuery: { version: 1, sha256Hash: search.hash } } });
    expect(byHash.status).toBe(200);
    expect(byHash.errors).toBeUndefined();
    expect(byHash.data).toEqual({ searchHouseholds: [] });
  });

  it('refuses a document that is not registered, whoever sends it without an agreement for ad-hoc queries', async () => {
    const adHoc = 'query Mine($id: ID!) { household(id: $id) { id } }';
    const res = await gql(system.gatewayUrl, adHoc, { id: 'H1' }, headers(CASEWORKER, 'MINIMUM_LIVING_REVIEW'));
    expect(res.status).toBe(403);
    expect(res.errors).toEqual([expect.objectContaining({ extensions: { code: 'OPERATION_NOT_REGISTERED' } })]);
    // A console query with one character changed is another document.
    const changed = await gql(system.gatewayUrl, `${consoleOp('SearchHouseholds').document} `, { regionCode: '654002', text: '王' }, headers(CASEWORKER, 'MINIMUM_LIVING_REVIEW'));
    expect(changed.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_REGISTERED');
    // An unknown hash likewise.
    const unknown = await send(CASEWORKER, 'MINIMUM_LIVING_REVIEW', { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('nothing') } } });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_REGISTERED');
    // The coordination office's shipped defaults allow ad-hoc queries.
    const office = await gql(system.gatewayUrl, '{ dataCatalogue(department: HEALTH) { coordinate } }', undefined, headers(COORDINATOR, 'SUPERVISION'));
    expect(office.errors).toBeUndefined();
  });

  it('runs an operation registered against an agreement for the requesting office only, until it is revoked', async () => {
    const run = (caller: Caller, purpose: string, name: string, variables: Record<string, unknown>) => gql(system.gatewayUrl, consoleOp(name).document, variables, headers(caller, purpose));
    // Asked for, decided and registered with the console's own operations.
    const asked = await run(LABOUR, 'EMPLOYMENT_AID_REVIEW', 'RequestSharing', { input: { owner: 'HEALTH', coordinates: ['Person.healthAwards', 'HealthAward.programme'], purpose: 'EMPLOYMENT_AID_REVIEW', legalBasis: '《社会救助暂行办法》', validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10) } });
    expect(asked.errors).toBeUndefined();
    const id = asked.data!.requestSharing.id;
    expect((await run(HEALTH, 'MEDICAL_AID_REVIEW', 'DecideSharing', { id, approve: true, note: '同意' })).data!.decideSharing.status).toBe('ACTIVE');
    const document = 'query LabourHealthView($id: ID!) { person(id: $id) { id healthAwards { programme } } }';
    const registered = await run(LABOUR, 'EMPLOYMENT_AID_REVIEW', 'RegisterSharingOperation', { agreementId: id, document });
    expect(registered.errors).toBeUndefined();
    expect(registered.data!.registerSharingOperation).toMatchObject({ hash: sha256(document), operationName: 'LabourHealthView', registeredBy: LABOUR.sub });
    // Another office may not register against labour's agreement.
    expect((await run(HEALTH, 'MEDICAL_AID_REVIEW', 'RegisterSharingOperation', { agreementId: id, document })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const byHash = { variables: { id: '654002197005010011' }, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(document) } } };
    const labour = await send(LABOUR, 'EMPLOYMENT_AID_REVIEW', byHash);
    expect(labour.errors?.map((e: { extensions?: { code?: string } }) => e.extensions?.code) ?? []).not.toContain('OPERATION_NOT_REGISTERED');
    const byText = await gql(system.gatewayUrl, document, { id: '654002197005010011' }, headers(LABOUR, 'EMPLOYMENT_AID_REVIEW'));
    expect(byText.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('OPERATION_NOT_REGISTERED');
    // Registered for labour's office, not for caseworkers.
    expect((await send(CASEWORKER, 'MINIMUM_LIVING_REVIEW', byHash)).errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_REGISTERED');
    // Revoked: no longer registered, at once.
    expect((await run(HEALTH, 'MEDICAL_AID_REVIEW', 'RevokeSharing', { id, note: '停止' })).data!.revokeSharing.status).toBe('REVOKED');
    expect((await send(LABOUR, 'EMPLOYMENT_AID_REVIEW', byHash)).errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_REGISTERED');
  });
});
