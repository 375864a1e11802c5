import type { IncomingMessage } from 'node:http';
import { AuthError, GATEWAY, SIGNATURE_HEADERS, SignatureError, createRequestVerifier, createVerifier, subgraphSigningSecret, verifierConfigFromEnv, type Caller } from '@saf/auth';
import { HttpError } from '@saf/service';
import type { GatewayConfig } from './config.ts';

/** Names the internal service (e.g. coordination) that signed a request to the gateway. */
export const SERVICE_HEADER = SIGNATURE_HEADERS.from;

/** Services that may call the gateway on a caller's behalf, signing with their own secret. */
const INTERNAL_SERVICES = ['coordination'] as const;

export interface Authenticated {
  caller: Caller;
  /** Signed by one of our own services acting for `caller`. */
  internal: boolean;
  /**
   * For an internal request: the code of the purpose the caller declared, as the service signed
   * it (in the caller header). Its X-Purpose header, which anyone relaying it could add, is not read.
   */
  signedPurpose: string | null;
}

function unauthenticated(message: string, reason: string, status = 401): HttpError {
  return new HttpError(status, message, { errors: [{ message, extensions: { code: 'UNAUTHENTICATED', reason } }] });
}

/**
 * Who is calling: a bearer JWT (checked with an explicit algorithm list, issuer, audience,
 * expiry), or one of our own services signing with its subgraph secret on a caller's behalf.
 * Anything else is HTTP 401 with code UNAUTHENTICATED. Built once at start: in production a
 * missing key or the development key throws here and the gateway does not start.
 */
export function createAuthenticator(config: GatewayConfig) {
  const tokens = createVerifier(verifierConfigFromEnv(config, config.NODE_ENV));
  // Only requests signed coordination→gateway: one the gateway signed for a subgraph (its own
  // name as sender, or relabelled as coordination's) fails here, whatever its secret.
  const services = createRequestVerifier({
    self: GATEWAY,
    accept: Object.fromEntries(INTERNAL_SERVICES.map((name) => [name, subgraphSigningSecret(name, config.env, config.NODE_ENV)])),
  });
  /** A request one of our services signed for itself (no caller), e.g. coordination's access-log entries: the sender's name, or 401/403. */
  const serviceCall = (req: IncomingMessage, body: string): string => {
    try {
      const { from, caller } = services.verify({ method: req.method ?? 'POST', path: req.url ?? '/', body, headers: req.headers });
      if (caller) throw new HttpError(403, 'this route takes a service\'s own requests, not one on behalf of a caller');
      return from;
    } catch (err) {
      if (err instanceof SignatureError) throw new HttpError(err.status, 'internal request signature refused', { error: 'unauthenticated', reason: err.reason });
      throw err;
    }
  };
  return Object.assign(authenticate, { serviceCall });
  async function authenticate(req: IncomingMessage, body: string): Promise<Authenticated> {
    if (req.headers[SERVICE_HEADER] !== undefined) {
      try {
        const { caller, purpose } = services.verify({ method: req.method ?? 'POST', path: req.url ?? '/', body, headers: req.headers });
        if (!caller) throw unauthenticated('an internal request must name the caller it acts for', 'no_caller');
        return { caller, internal: true, signedPurpose: purpose };
      } catch (err) {
        if (err instanceof SignatureError) throw unauthenticated('internal request signature refused', err.reason);
        throw err;
      }
    }
    try {
      return { caller: await tokens.verify(req.headers.authorization), internal: false, signedPurpose: null };
    } catch (err) {
      if (err instanceof AuthError) throw unauthenticated(err.message, err.reason, err.status);
      throw err;
    }
  }
}
