import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { callerClaims, parseCaller, type Caller } from './caller.ts';
import { DEV_AUDIENCE, DEV_ISSUER, DEV_JWT_ALGORITHM, devKeyBytes } from './devKey.ts';
import { AuthConfigError, AuthError } from './errors.ts';
import { ASYMMETRIC_ALGORITHMS, importPublicKey, remoteKeySet, type KeyConfig, type ResolvedKey } from './keys.ts';

export interface VerifierConfig {
  key: KeyConfig;
  /** Expected `iss`. */
  issuer: string;
  /** Expected `aud` (the gateway). */
  audience: string;
  /** Allowed clock skew for `exp` and `nbf`, in seconds; default 30. */
  clockToleranceSeconds?: number;
  /** Current time; tests only. */
  now?: () => Date;
}

/** The configuration that accepts tokens from `signDevToken` / `npm run token`. Development only. */
export function devVerifierConfig(): VerifierConfig {
  return { key: { kind: 'dev' }, issuer: DEV_ISSUER, audience: DEV_AUDIENCE };
}

export interface Verifier {
  /** Verifies an `Authorization` header value; throws `AuthError` with the reason when refused. */
  verify(authorizationHeader: string | undefined): Promise<Caller>;
  /** The algorithms this verifier accepts. */
  readonly algorithms: readonly string[];
}

const MAX_TOKEN_LENGTH = 8192;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function createVerifier(config: VerifierConfig): Verifier {
  if (!config.issuer) throw new AuthConfigError('JWT verifier: an issuer is required');
  if (!config.audience) throw new AuthConfigError('JWT verifier: an audience is required');
  const clockTolerance = config.clockToleranceSeconds ?? 30;
  if (!Number.isFinite(clockTolerance) || clockTolerance < 0 || clockTolerance > 300) {
    throw new AuthConfigError('JWT verifier: clock tolerance must be between 0 and 300 seconds');
  }
  const { key, algorithms } = resolveKey(config.key);
  const remote = config.key.kind === 'jwks';

  async function verify(authorizationHeader: string | undefined): Promise<Caller> {
    const token = bearerToken(authorizationHeader);
    checkAlgorithm(token, algorithms);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Parameters<typeof jwtVerify>[1], {
        algorithms,
        issuer: config.issuer,
        audience: config.audience,
        clockTolerance,
        requiredClaims: ['exp', 'sub'],
        ...(config.now ? { currentDate: config.now() } : {}),
      }));
    } catch (err) {
      throw toAuthError(err, remote);
    }
    const parsed = parseCaller(callerClaims(payload));
    if (!parsed.ok) throw new AuthError('claims_invalid', `token claims are invalid: ${parsed.reason}`);
    return parsed.caller;
  }

  return { verify, algorithms };
}

function resolveKey(config: KeyConfig): ResolvedKey {
  switch (config.kind) {
    case 'dev':
      return { key: devKeyBytes(), algorithms: [DEV_JWT_ALGORITHM] };
    case 'pem': {
      const { key, algorithm } = importPublicKey(config.publicKey, config.algorithm);
      return { key, algorithms: [algorithm] };
    }
    case 'jwks': {
      const algorithms = [...(config.algorithms ?? ASYMMETRIC_ALGORITHMS)];
      const unknown = algorithms.filter((a) => !(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(a));
      if (algorithms.length === 0 || unknown.length > 0) {
        throw new AuthConfigError(`JWKS algorithms must be a non-empty subset of ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
      }
      return { key: remoteKeySet(config.url, config.timeoutMs), algorithms };
    }
  }
}

function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '') {
    throw new AuthError('missing_header', 'missing Authorization header: send Authorization: Bearer <token>');
  }
  const [scheme, ...rest] = header.trim().split(/[ \t]+/);
  if (scheme?.toLowerCase() !== 'bearer' || rest.length === 0) {
    throw new AuthError('not_bearer', 'the Authorization header must use the Bearer scheme');
  }
  const token = rest.join(' ');
  if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
    throw new AuthError('malformed', 'the bearer token is not a compact JWT');
  }
  return token;
}

/**
 * Checked before jose does, so `alg: none` and HS/RS confusion get a clear reason whatever
 * order jose validates in.
 */
function checkAlgorithm(token: string, algorithms: readonly string[]): void {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw new AuthError('malformed', 'the bearer token header is not valid JSON');
  }
  if (typeof alg !== 'string') throw new AuthError('malformed', 'the bearer token header has no alg');
  if (!algorithms.includes(alg)) {
    const shown = /^[A-Za-z0-9]{1,16}$/.test(alg) ? alg : '(unrecognised)';
    throw new AuthError('alg_not_allowed', `token algorithm ${shown} is not allowed; expected ${algorithms.join(' or ')}`);
  }
}

function toAuthError(err: unknown, remote: boolean): unknown {
  if (err instanceof errors.JWTExpired) return new AuthError('expired', 'the token has expired', { cause: err });
  if (err instanceof errors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'nbf':
        return new AuthError('not_yet_valid', 'the token is not valid yet (nbf)', { cause: err });
      case 'iss':
        return new AuthError('wrong_issuer', 'the token was issued by an issuer this service does not trust', { cause: err });
      case 'aud':
        return new AuthError('wrong_audience', 'the token is meant for another audience', { cause: err });
      default:
        return new AuthError('claims_invalid', `token claim ${err.claim} is invalid: ${err.message}`, { cause: err });
    }
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return new AuthError('bad_signature', 'the token signature does not verify with the configured key', { cause: err });
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
    return new AuthError('alg_not_allowed', 'the token algorithm is not allowed', { cause: err });
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) {
    return new AuthError('malformed', 'the bearer token is not a valid JWT', { cause: err });
  }
  // Anything else while a key set is fetched (timeout, HTTP error, bad JWKS, network) is ours.
  if (remote) return new AuthError('key_unavailable', 'the signing keys could not be fetched', { cause: err });
  return err;
}
