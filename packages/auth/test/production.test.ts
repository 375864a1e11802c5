import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AuthConfigError,
  assertProductionKeyConfig,
  authEnv,
  createVerifier,
  DEV_SUBGRAPH_SIGNING_SECRET,
  deriveSubgraphSecret,
  devVerifierConfig,
  signDevToken,
  signToken,
  subgraphSigningSecret,
  verifierConfigFromEnv,
} from '../src/index.ts';

const publicPem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
const env = (vars: Record<string, string>) => authEnv.parse(vars);

describe('the development key in production', () => {
  it('is refused by assertProductionKeyConfig, and allowed elsewhere', () => {
    expect(() => assertProductionKeyConfig(devVerifierConfig(), 'production')).toThrow(AuthConfigError);
    expect(() => assertProductionKeyConfig(devVerifierConfig(), 'production')).toThrow(/refuses the development JWT key.*JWT_PUBLIC_KEY/);
    expect(() => assertProductionKeyConfig(devVerifierConfig(), 'development')).not.toThrow();
    expect(() => assertProductionKeyConfig(devVerifierConfig(), undefined)).not.toThrow();
  });

  it('refuses a real key that still expects the development issuer', () => {
    const config = { key: { kind: 'pem' as const, publicKey: publicPem }, issuer: 'saf-dev', audience: 'saf-gateway' };
    expect(() => assertProductionKeyConfig(config, 'production')).toThrow(/development issuer/);
  });

  it('is what an environment without a key means, refused in production', () => {
    expect(verifierConfigFromEnv(env({}), 'development').key).toEqual({ kind: 'dev' });
    expect(() => verifierConfigFromEnv(env({}), 'production')).toThrow(/development JWT key/);
  });

  it('accepts a configured key in production, and that verifier accepts no development token', async () => {
    const config = verifierConfigFromEnv(env({ JWT_PUBLIC_KEY: publicPem.replaceAll('\n', '\\n'), JWT_ISSUER: 'https://idp.example.gov.cn' }), 'production');
    expect(config).toMatchObject({ key: { kind: 'pem' }, issuer: 'https://idp.example.gov.cn', audience: 'saf-gateway', clockToleranceSeconds: 30 });
    const token = await signDevToken({ sub: 'x', role: 'AUDITOR' });
    await expect(createVerifier(config).verify(`Bearer ${token}`)).rejects.toMatchObject({ reason: 'alg_not_allowed' });
  });

  it('accepts a token signToken signs with the configured key pair, and refuses the same claims under another issuer', async () => {
    const pair = generateKeyPairSync('ed25519');
    const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const verifier = createVerifier(verifierConfigFromEnv(env({ JWT_PUBLIC_KEY: pem, JWT_ISSUER: 'https://idp.example.gov.cn' }), 'production'));
    const caller = { sub: 'cw-1', role: 'CASEWORKER', region: '654002' } as const;
    const signer = { key: pair.privateKey, algorithm: 'EdDSA', issuer: 'https://idp.example.gov.cn' };
    expect(await verifier.verify(`Bearer ${await signToken(caller, signer, { expiresIn: '5m' })}`)).toEqual(caller);
    await expect(verifier.verify(`Bearer ${await signToken(caller, { ...signer, issuer: 'saf-dev' })}`)).rejects.toMatchObject({ reason: expect.any(String) });
    await expect(signToken(caller, signer, { expiresIn: 'soon' })).rejects.toThrow(/invalid expiresIn soon/);
  });

  it('reports incomplete or contradictory key settings', () => {
    expect(() => verifierConfigFromEnv(env({ JWT_PUBLIC_KEY: publicPem }), 'production')).toThrow(/JWT_ISSUER is required/);
    expect(() => verifierConfigFromEnv(env({ JWT_PUBLIC_KEY: publicPem, JWT_JWKS_URL: 'https://idp/jwks', JWT_ISSUER: 'i' }), 'production')).toThrow(/not both/);
    expect(() => verifierConfigFromEnv(env({ JWT_JWKS_URL: 'https://idp/jwks', JWT_ISSUER: 'i', JWT_ALGORITHMS: 'RS256,HS256' }), 'production')).toThrow(/HS256 not allowed/);
    expect(() => verifierConfigFromEnv(env({ JWT_ISSUER: 'i' }), 'development')).toThrow(/no key/);
  });
});

describe('subgraph signing secrets from the environment', () => {
  const master = 'a-production-master-secret-of-enough-length-0123456789';

  it('derives a different secret per subgraph from the master', () => {
    const labour = subgraphSigningSecret('labour', { SUBGRAPH_SIGNING_SECRET: master }, 'production');
    expect(labour.equals(deriveSubgraphSecret(master, 'labour'))).toBe(true);
    expect(labour.equals(subgraphSigningSecret('health', { SUBGRAPH_SIGNING_SECRET: master }, 'production'))).toBe(false);
  });

  it('prefers an explicit <SUBGRAPH>_SIGNING_SECRET', () => {
    const explicit = 'civil-affairs-own-secret-0123456789abcdef';
    const secret = subgraphSigningSecret('civil-affairs', { SUBGRAPH_SIGNING_SECRET: master, CIVIL_AFFAIRS_SIGNING_SECRET: explicit }, 'production');
    expect(secret.toString()).toBe(explicit);
  });

  it('falls back to the development secret only outside production', () => {
    expect(subgraphSigningSecret('labour', {}, 'development').equals(deriveSubgraphSecret(DEV_SUBGRAPH_SIGNING_SECRET, 'labour'))).toBe(true);
    expect(() => subgraphSigningSecret('labour', {}, 'production')).toThrow(/needs SUBGRAPH_SIGNING_SECRET/);
    expect(() => subgraphSigningSecret('labour', { SUBGRAPH_SIGNING_SECRET: DEV_SUBGRAPH_SIGNING_SECRET }, 'production')).toThrow(/development/);
    expect(() => subgraphSigningSecret('labour', { LABOUR_SIGNING_SECRET: DEV_SUBGRAPH_SIGNING_SECRET }, 'production')).toThrow(/development/);
  });

  it('refuses short secrets', () => {
    expect(() => subgraphSigningSecret('labour', { SUBGRAPH_SIGNING_SECRET: 'short' }, 'production')).toThrow(/at least 32 bytes/);
    expect(() => subgraphSigningSecret('labour', { LABOUR_SIGNING_SECRET: 'short' }, 'development')).toThrow(/LABOUR_SIGNING_SECRET must be at least 32 bytes/);
  });
});
