/** Why a bearer token was refused. Stable: logs and tests rely on them. */
export const AUTH_FAILURES = [
  'missing_header',
  'not_bearer',
  'malformed',
  'expired',
  'not_yet_valid',
  'wrong_issuer',
  'wrong_audience',
  'bad_signature',
  'alg_not_allowed',
  'claims_invalid',
  // The key could not be fetched (JWKS endpoint down): not the caller's fault.
  'key_unavailable',
] as const;
export type AuthFailure = (typeof AUTH_FAILURES)[number];

/**
 * A refused bearer token. The gateway answers HTTP `status` (401, or 503 when the key set cannot be
 * fetched) with code `UNAUTHENTICATED`. `message` is safe to show to the client: it never contains
 * the token.
 */
export class AuthError extends Error {
  override name = 'AuthError';
  readonly code = 'UNAUTHENTICATED';
  readonly reason: AuthFailure;
  readonly status: 401 | 503;
  constructor(reason: AuthFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
    this.status = reason === 'key_unavailable' ? 503 : 401;
  }
}

/** Why a signed request between our services was refused. */
export const SIGNATURE_FAILURES = [
  'missing', // 401: no signature headers at all, or some missing
  'malformed', // 403: headers present but not in the expected form
  'unknown_sender', // 403: signed by a service this one does not accept requests from
  'stale', // 403: timestamp older than the window
  'future', // 403: timestamp further ahead than the window
  'bad_signature', // 403: wrong secret, signed for another service or direction, or method/path/body/caller changed
  'replayed', // 403: nonce seen within the window
  'caller_invalid', // 403: signed, but the caller header is not a valid caller
  'busy', // 503: the replay cache is full; refusing is safer than forgetting nonces
] as const;
export type SignatureFailure = (typeof SIGNATURE_FAILURES)[number];

/** A refused service-to-service request; answer HTTP `status`. */
export class SignatureError extends Error {
  override name = 'SignatureError';
  readonly reason: SignatureFailure;
  readonly status: 401 | 403 | 503;
  constructor(reason: SignatureFailure, message: string) {
    super(message);
    this.reason = reason;
    this.status = reason === 'missing' ? 401 : reason === 'busy' ? 503 : 403;
  }
}

/** A key or secret configuration that must not be used (e.g. the development key in production). */
export class AuthConfigError extends Error {
  override name = 'AuthConfigError';
}
