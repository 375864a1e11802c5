import type { Session } from '../lib/session.ts';

export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; serviceName?: string; field?: string; [key: string]: unknown };
}

export interface GraphQLResponse<T> {
  status: number;
  data: T | null;
  errors: GraphQLErrorShape[];
}

/** The gateway answered 401: the token is bad or expired; the app signs out. */
export class Unauthenticated extends Error {}
/** The gateway could not be reached at all. */
export class Unreachable extends Error {}

export const GRAPHQL_PATH = '/graphql';

/**
 * One GraphQL request to the gateway that served this page (same origin, nothing else is ever
 * contacted), with the bearer token and the declared purpose: its code (ASCII; the gateway also
 * takes the Chinese label percent-encoded, header values being Latin-1).
 */
export async function request<T>(session: Pick<Session, 'token' | 'purpose'>, query: string, variables?: Record<string, unknown>, signal?: AbortSignal): Promise<GraphQLResponse<T>> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
    authorization: `Bearer ${session.token}`,
  };
  if (session.purpose) headers['x-purpose'] = encodeURIComponent(session.purpose);
  let res: Response;
  try {
    res = await fetch(GRAPHQL_PATH, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal, credentials: 'omit', cache: 'no-store' });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new Unreachable((err as Error).message);
  }
  if (res.status === 401) throw new Unauthenticated(`HTTP 401`);
  let body: { data?: T | null; errors?: GraphQLErrorShape[] };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new Unreachable(`HTTP ${res.status}: not a GraphQL response`);
  }
  return { status: res.status, data: body.data ?? null, errors: body.errors ?? [] };
}
