import type { Session } from '../lib/session.ts';
import { Unauthenticated, Unreachable } from './client.ts';

/** One publication as the registry keeps it (registry/src/publish.ts `history`). */
export interface SchemaVersion {
  id: number;
  version: number | null;
  /** `removed`: the service unpublished itself (a version without a schema). */
  status: 'accepted' | 'refused' | 'removed';
  url: string;
  owner: string | null;
  signedBy: string;
  publishedBy: string;
  publishedAt: string;
  diff: string;
  acknowledgement: string | null;
  check: {
    breaking: Array<{ id: string; description: string; usedBy: Array<{ name: string; clients: string[]; registered: boolean }> }>;
    dangerous: Array<{ id: string; description: string }>;
    changed: Array<{ name: string; owner: string }>;
    problems: string[];
  };
}

export interface PublishedService {
  service: string;
  /** `removed`: the service left the graph with this version. */
  status: 'accepted' | 'removed';
  version: number;
  url: string;
  owner: string | null;
  publishedBy: string;
  publishedAt: string;
}

export type RegistryAnswer<T> = { kind: 'ok'; data: T } | { kind: 'none' } | { kind: 'unavailable' } | { kind: 'forbidden' };

/** The schema registry's history through the gateway that served this page (`/registry/…`), with the bearer token. */
export async function registryHistory<T>(session: Pick<Session, 'token'>, path: string): Promise<RegistryAnswer<T>> {
  let res: Response;
  try {
    res = await fetch(`/registry${path}`, { headers: { authorization: `Bearer ${session.token}`, accept: 'application/json' }, credentials: 'omit', cache: 'no-store' });
  } catch (err) {
    throw new Unreachable((err as Error).message);
  }
  if (res.status === 401) throw new Unauthenticated('HTTP 401');
  if (res.status === 403) return { kind: 'forbidden' };
  const body = (await res.json().catch(() => null)) as { code?: string } | null;
  if (res.status === 404 && body?.code === 'NO_REGISTRY') return { kind: 'none' };
  if (!res.ok) return { kind: 'unavailable' };
  return { kind: 'ok', data: body as T };
}
