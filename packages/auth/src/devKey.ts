import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { parseCaller, type Caller } from './caller.ts';
import { parseDuration } from './duration.ts';

/**
 * The development signing key. It is committed to the repository, so anyone can mint any token
 * with it: `assertProductionKeyConfig` refuses it when NODE_ENV=production.
 */
export const DEV_JWT_SECRET = 'dev-only-insecure-key-saf-jwt-never-use-in-production';
export const DEV_JWT_ALGORITHM = 'HS256';
export const DEV_ISSUER = 'saf-dev';
export const DEV_AUDIENCE = 'saf-gateway';

export const devKeyBytes = (): Uint8Array => new TextEncoder().encode(DEV_JWT_SECRET);

export interface DevTokenOptions {
  /** `8h`, `15m`, `7d` or seconds; default 8 hours (a working day). */
  expiresIn?: string | number;
  /** Issue time; default now. Tests use it to make expired or not-yet-valid tokens. */
  now?: Date;
  /** Seconds after `now` before the token becomes valid (`nbf`); default valid at once. */
  notBeforeIn?: number;
}

/** What a token is signed with, and the issuer and audience it names. */
export interface TokenSigner {
  key: KeyObject | Uint8Array;
  /** A JWS algorithm the key takes: `HS256` for the development key, `EdDSA`, `ES256` or `RS256` for a private key. */
  algorithm: string;
  issuer: string;
  /** Default the gateway's default audience. */
  audience?: string;
}

/** The signer of the development key (what `npm run token` signs with). */
const DEV_SIGNER: TokenSigner = { key: devKeyBytes(), algorithm: DEV_JWT_ALGORITHM, issuer: DEV_ISSUER, audience: DEV_AUDIENCE };

/**
 * A token for `caller` signed by `signer`: the caller's claims, subject, issuer, audience, issue and
 * expiry times and a fresh `jti`. An issuer of real tokens stamps the same claims.
 */
export async function signToken(caller: Caller, signer: TokenSigner, options: DevTokenOptions = {}): Promise<string> {
  const parsed = parseCaller(caller);
  if (!parsed.ok) throw new TypeError(`invalid caller: ${parsed.reason}`);
  const ttl = parseDuration(options.expiresIn ?? '8h');
  if (ttl === null) throw new TypeError(`invalid expiresIn ${String(options.expiresIn)}: use e.g. 90s, 15m, 8h, 7d`);
  const { sub, ...claims } = parsed.caller;
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const jwt = new SignJWT({ ...claims })
    .setProtectedHeader({ alg: signer.algorithm, typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(signer.issuer)
    .setAudience(signer.audience ?? DEV_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .setJti(randomUUID());
  if (options.notBeforeIn !== undefined) jwt.setNotBefore(iat + options.notBeforeIn);
  return jwt.sign(signer.key);
}

/** A token for `caller`, signed with the development key (what `npm run token` prints). */
export function signDevToken(caller: Caller, options: DevTokenOptions = {}): Promise<string> {
  return signToken(caller, DEV_SIGNER, options);
}
