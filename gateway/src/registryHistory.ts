import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Role } from '@saf/auth';
import { HttpError, sendJson } from '@saf/service';
import type { Authenticated } from './authenticate.ts';

/** Who may read the schema registry's history through the gateway: the coordination office and auditors. */
const READERS: readonly Role[] = ['COORDINATOR', 'AUDITOR'];
const PATHS = /^\/services(?:\/[a-z][a-z0-9-]{1,62}\/versions)?$/;

/**
 * `GET /registry/services` and `GET /registry/services/<name>/versions` for the console: the
 * registry's history (versions, who, when, the diff, the check), read with the caller's token and
 * fetched from the registry with the gateway's own credential. Nothing else of the registry is
 * reachable here: publishing goes to the registry itself, signed by the department.
 */
export async function serveRegistryHistory(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  options: { authenticate: (req: IncomingMessage, body: string) => Promise<Authenticated>; toRegistry: ((path: string) => Promise<Response>) | null },
): Promise<boolean> {
  if (url.pathname !== '/registry' && !url.pathname.startsWith('/registry/')) return false;
  const { caller, internal } = await options.authenticate(req, '');
  if (internal || !READERS.includes(caller.role)) throw new HttpError(403, 'the schema registry\'s history is for the coordination office and auditors', { error: 'forbidden', code: 'FORBIDDEN' });
  if (req.method !== 'GET') throw new HttpError(405, 'method not allowed');
  const path = url.pathname.slice('/registry'.length);
  if (!PATHS.test(path)) return (sendJson(res, 404, { error: 'not found' }), true);
  if (!options.toRegistry) return (sendJson(res, 404, { error: 'no schema registry configured (REGISTRY_URL)', code: 'NO_REGISTRY' }), true);
  let answer: Response;
  try {
    answer = await options.toRegistry(path);
  } catch {
    throw new HttpError(503, 'the schema registry does not answer', { error: 'the schema registry does not answer', code: 'REGISTRY_UNAVAILABLE' });
  }
  sendJson(res, answer.ok ? 200 : 502, answer.ok ? await answer.json() : { error: `the schema registry answered ${answer.status}`, code: 'REGISTRY_ERROR' });
  return true;
}
