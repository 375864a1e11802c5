import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, createVerifier, devKeyBytes, devVerifierConfig, signDevToken, type Caller, type VerifierConfig } from '../src/index.ts';
import { b64url, devSigned, NOW, nowSeconds } from './helpers.ts';

const dev = createVerifier({ ...devVerifierConfig(), now: () => NOW });

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AuthError);
  expect((err as AuthError).status).toBe(401);
  return (err as AuthError).reason;
}

const worker: Caller = { sub: 'w1', role: 'CASEWORKER', region: '654002' };

describe('createVerifier with the development key', () => {
  it.each<[string, Caller]>([
    ['CASEWORKER', { sub: 'w1', role: 'CASEWORKER', region: '654002' }],
    ['DEPARTMENT_OFFICER', { sub: 'o1', role: 'DEPARTMENT_OFFICER', department: 'CIVIL_AFFAIRS' }],
    ['COORDINATOR', { sub: 'c1', role: 'COORDINATOR', region: '6540' }],
    ['ANALYST', { sub: 'a1', role: 'ANALYST' }],
    ['AUDITOR', { sub: 'au1', role: 'AUDITOR' }],
  ])('accepts a good %s token', async (_role, caller) => {
    const token = await signDevToken(caller, { now: NOW });
    await expect(dev.verify(`Bearer ${token}`)).resolves.toEqual(caller);
  });

  it('takes the scheme in any case and ignores claims that are not the caller', async () => {
    const token = await devSigned({ sub: 'w1', role: 'CASEWORKER', region: '654002', scope: 'x' });
    await expect(dev.verify(`bearer ${token}`)).resolves.toEqual(worker);
  });

  it.each([
    [undefined, 'missing_header'],
    ['', 'missing_header'],
    ['Basic dXNlcjpwYXNz', 'not_bearer'],
    ['Bearer', 'not_bearer'],
    ['Bearer garbage', 'malformed'],
    ['Bearer a.b.c', 'malformed'],
    ['Bearer a.b.c d.e.f', 'malformed'],
    [`Bearer ${'a'.repeat(9000)}.b.c`, 'malformed'],
  ])('refuses %j: %s', async (header, reason) => {
    expect(await reasonOf(dev.verify(header))).toBe(reason);
  });

  it('refuses an expired token, beyond the 30 s clock tolerance', async () => {
    const expired = await signDevToken(worker, { now: new Date(NOW.getTime() - 3600_000 - 31_000), expiresIn: '1h' });
    expect(await reasonOf(dev.verify(`Bearer ${expired}`))).toBe('expired');
    const justExpired = await signDevToken(worker, { now: new Date(NOW.getTime() - 3600_000 - 10_000), expiresIn: '1h' });
    await expect(dev.verify(`Bearer ${justExpired}`)).resolves.toEqual(worker);
  });

  it('refuses a token that is not valid yet (nbf in the future)', async () => {
    const early = await signDevToken(worker, { now: NOW, notBeforeIn: 3600 });
    expect(await reasonOf(dev.verify(`Bearer ${early}`))).toBe('not_yet_valid');
  });

  it('refuses a wrong issuer and a wrong audience', async () => {
    expect(await reasonOf(dev.verify(`Bearer ${await devSigned({ ...worker, iss: 'someone-else' })}`))).toBe('wrong_issuer');
    expect(await reasonOf(dev.verify(`Bearer ${await devSigned({ ...worker, aud: 'another-service' })}`))).toBe('wrong_audience');
  });

  it('refuses a token signed with another key', async () => {
    const other = new TextEncoder().encode('another-secret-of-at-least-32-bytes!!');
    expect(await reasonOf(dev.verify(`Bearer ${await devSigned({ ...worker }, other)}`))).toBe('bad_signature');
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [h, , s] = (await devSigned({ ...worker })).split('.');
    const forged = b64url({ ...worker, region: '65', iss: 'saf-dev', aud: 'saf-gateway', exp: nowSeconds + 3600 });
    expect(await reasonOf(dev.verify(`Bearer ${h}.${forged}.${s}`))).toBe('bad_signature');
  });

  it('refuses alg none', async () => {
    const payload = b64url({ ...worker, iss: 'saf-dev', aud: 'saf-gateway', exp: nowSeconds + 3600 });
    expect(await reasonOf(dev.verify(`Bearer ${b64url({ alg: 'none' })}.${payload}.`))).toBe('alg_not_allowed');
    expect(await reasonOf(dev.verify(`Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.c2ln`))).toBe('alg_not_allowed');
  });

  it('refuses a token without exp', async () => {
    const token = await new SignJWT({ ...worker }).setProtectedHeader({ alg: 'HS256' }).setIssuer('saf-dev').setAudience('saf-gateway').sign(devKeyBytes());
    expect(await reasonOf(dev.verify(`Bearer ${token}`))).toBe('claims_invalid');
  });

  it.each([
    [{ sub: 'w1', role: 'CASEWORKER' }, 'a CASEWORKER needs a region'],
    [{ sub: 'o1', role: 'DEPARTMENT_OFFICER' }, 'a DEPARTMENT_OFFICER needs a department'],
    [{ sub: 'x', role: 'SUPERUSER' }, 'role must be one of'],
    [{ role: 'ANALYST' }, 'sub'],
  ])('refuses invalid claims %o', async (claims, message) => {
    const err = await dev.verify(`Bearer ${await devSigned(claims)}`).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'claims_invalid' });
    expect((err as Error).message).toContain(message);
  });
});

function rsaPair(): { publicPem: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey };
}

describe('createVerifier with a PEM public key', () => {
  const rsa = rsaPair();
  const config: VerifierConfig = { key: { kind: 'pem', publicKey: rsa.publicPem }, issuer: 'https://idp.example.gov.cn', audience: 'saf-gateway', now: () => NOW };
  const verifier = createVerifier(config);
  const sign = (claims: Record<string, unknown>, alg = 'RS256', key: KeyObject | Uint8Array = rsa.privateKey) =>
    new SignJWT({ iss: config.issuer, aud: 'saf-gateway', exp: nowSeconds + 600, ...claims }).setProtectedHeader({ alg }).sign(key);

  it('accepts an RS256 token from the configured key', async () => {
    expect(verifier.algorithms).toEqual(['RS256']);
    await expect(verifier.verify(`Bearer ${await sign({ ...worker })}`)).resolves.toEqual(worker);
  });

  it('refuses an HS256 token keyed with the public key (algorithm confusion)', async () => {
    const confused = await sign({ ...worker }, 'HS256', new TextEncoder().encode(rsa.publicPem));
    expect(await reasonOf(verifier.verify(`Bearer ${confused}`))).toBe('alg_not_allowed');
  });

  it('refuses a token from the development key', async () => {
    expect(await reasonOf(verifier.verify(`Bearer ${await signDevToken(worker, { now: NOW })}`))).toBe('alg_not_allowed');
  });

  it('refuses an RS256 token from another key pair', async () => {
    expect(await reasonOf(verifier.verify(`Bearer ${await sign({ ...worker }, 'RS256', rsaPair().privateKey)}`))).toBe('bad_signature');
  });

  it.each(['ec', 'ed25519'] as const)('infers the algorithm of an %s key', async (type) => {
    const { publicKey, privateKey } = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
    const alg = type === 'ec' ? 'ES256' : 'EdDSA';
    const v = createVerifier({ ...config, key: { kind: 'pem', publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
    expect(v.algorithms).toEqual([alg]);
    await expect(v.verify(`Bearer ${await sign({ ...worker }, alg, privateKey)}`)).resolves.toEqual(worker);
  });

  it('refuses to be configured with a private key, a weak RSA key or a mismatched algorithm', () => {
    expect(() => createVerifier({ ...config, key: { kind: 'pem', publicKey: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() } })).toThrow(/private key/);
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => createVerifier({ ...config, key: { kind: 'pem', publicKey: weak } })).toThrow(/2048/);
    expect(() => createVerifier({ ...config, key: { kind: 'pem', publicKey: rsa.publicPem, algorithm: 'ES256' } })).toThrow(/RS256, not ES256/);
  });
});

describe('createVerifier with a JWKS URL', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sign = (kid: string, key: KeyObject = privateKey) =>
    new SignJWT({ ...worker, iss: 'idp', aud: 'saf-gateway', exp: nowSeconds + 600 }).setProtectedHeader({ alg: 'ES256', kid }).sign(key);

  it('accepts a token signed by a key of the set and refuses one from an unknown key', async () => {
    const v = createVerifier({ key: { kind: 'jwks', url }, issuer: 'idp', audience: 'saf-gateway', now: () => NOW });
    await expect(v.verify(`Bearer ${await sign('k1')}`)).resolves.toEqual(worker);
    expect(await reasonOf(v.verify(`Bearer ${await sign('k2', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)}`))).toBe('bad_signature');
  });

  it('reports key_unavailable (503) when the key set cannot be fetched', async () => {
    const v = createVerifier({ key: { kind: 'jwks', url: 'http://127.0.0.1:1/jwks.json', timeoutMs: 2000 }, issuer: 'idp', audience: 'saf-gateway', now: () => NOW });
    const err = await v.verify(`Bearer ${await sign('k1')}`).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'key_unavailable', status: 503 });
  });

  it('refuses a plain-http key set that is not on loopback, and symmetric algorithms', () => {
    expect(() => createVerifier({ key: { kind: 'jwks', url: 'http://idp.example.gov.cn/jwks' }, issuer: 'idp', audience: 'a' })).toThrow(/https/);
    expect(() => createVerifier({ key: { kind: 'jwks', url, algorithms: ['HS256' as never] }, issuer: 'idp', audience: 'a' })).toThrow(/subset/);
  });
});
