import { SignJWT, type JWTPayload } from 'jose';
import { DEV_AUDIENCE, DEV_ISSUER, devKeyBytes } from '../src/index.ts';

export const NOW = new Date('2024-05-01T08:00:00Z');
export const nowSeconds = Math.floor(NOW.getTime() / 1000);

export const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token with exactly the given claims (nothing validated), signed with the dev key by default. */
export async function devSigned(claims: JWTPayload, key: Uint8Array = devKeyBytes()): Promise<string> {
  return new SignJWT({ iss: DEV_ISSUER, aud: DEV_AUDIENCE, iat: nowSeconds, exp: nowSeconds + 3600, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(key);
}
