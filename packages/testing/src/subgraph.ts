import { fileURLToPath } from 'node:url';
import { GATEWAY, LOADER, signRequest, subgraphSigningSecret, type Caller } from '@saf/auth';
import { SERVICES } from '@saf/config';
import type { Database } from '@saf/db';
import { closeServer, createLogger, listen, type Logger } from '@saf/service';
import { createTestDatabase, type TestDatabase } from './database.ts';

/** A coordinator: sees everything person-level; the usual caller of subgraph tests. */
export const TEST_CALLER: Caller = { sub: 'test-coordinator', role: 'COORDINATOR' };

/** The development secret a subgraph shares with the gateway (tests sign with it). */
export function testSecret(name: string): Buffer {
  return subgraphSigningSecret(name, {}, 'test');
}

/** The service whose development secret this is (`testSecret(name)`), if any. */
function serviceOfTestSecret(secret: Buffer): string | undefined {
  return SERVICES.find((s) => testSecret(s.name).equals(secret))?.name;
}

export interface SignedFetchInit {
  method?: string;
  body?: string | Buffer;
  caller?: Caller | null;
  headers?: Record<string, string>;
  /** Who signs (default the gateway; `loader` for `/ingest`). */
  from?: string;
  /** The service the request is signed for (default: the one whose `testSecret` `secret` is). */
  to?: string;
}

/** Fetch with the gateway's signature (or `from`'s), as only the gateway can. */
export async function signedFetch(url: string, secret: Buffer, init: SignedFetchInit = {}): Promise<Response> {
  const u = new URL(url);
  const method = init.method ?? 'POST';
  const body = init.body ?? '';
  const to = init.to ?? serviceOfTestSecret(secret);
  if (to === undefined) throw new TypeError('signedFetch: not a test secret; say which service the request is for (`to`)');
  const signed = signRequest({ secret, from: init.from ?? GATEWAY, to, method, path: u.pathname + u.search, body, caller: init.caller === undefined ? TEST_CALLER : init.caller });
  return fetch(url, { method, headers: { 'content-type': 'application/json', ...signed, ...init.headers }, body: method === 'GET' ? undefined : typeof body === 'string' ? body : new Uint8Array(body) });
}

export interface StartedSubgraph {
  name: string;
  url: string;
  base: string;
  secret: Buffer;
  /** A GraphQL request signed as the gateway, on behalf of `caller` (a coordinator by default). */
  query<T = any>(query: string, variables?: Record<string, unknown>, caller?: Caller | null): Promise<{ status: number; data?: T | null; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
  database: TestDatabase;
  /** SQL statements run since the last `resetQueries()`. */
  queries: string[];
  resetQueries(): void;
  stop(): Promise<void>;
}

type Factory = (deps: { database: Database; log: Logger; signingSecret: Buffer }) => { http: import('node:http').Server; start(): Promise<void>; stop?(): Promise<void> };

/** One subgraph on a free port with its own fresh database, counting the SQL it runs. */
export async function startSubgraph(name: string, create: Factory, subgraphDir: URL): Promise<StartedSubgraph> {
  const queries: string[] = [];
  const migrations = fileURLToPath(new URL('drizzle', subgraphDir));
  const database = await createTestDatabase(name, migrations, { onQuery: (q) => queries.push(q) });
  const secret = testSecret(name);
  const built = create({ database, log: createLogger(name, 'silent'), signingSecret: secret });
  await built.start();
  const port = await listen(built.http, 0, '127.0.0.1');
  queries.length = 0;
  const url = `http://127.0.0.1:${port}/graphql`;
  return {
    name,
    url,
    base: `http://127.0.0.1:${port}`,
    secret,
    query: async (query, variables, caller) => {
      const res = await signedFetch(url, secret, { body: JSON.stringify({ query, variables }), caller });
      return { status: res.status, ...((await res.json()) as object) };
    },
    database,
    queries,
    resetQueries: () => void (queries.length = 0),
    stop: async () => {
      await closeServer(built.http);
      await built.stop?.();
      await database.dispose();
    },
  };
}

/** POSTs a batch to a subgraph's ingest endpoint and commits it. */
export interface IngestResponse {
  status: number;
  staged?: number;
  counts?: Record<string, number>;
  errors?: { line: number; field: string; message: string }[];
}

/** Signed as the loader signs: loader→<the subgraph>. */
export async function ingest(sg: { base: string; secret: Buffer }, records: object[], loadId = `t${Date.now()}${Math.floor(Math.random() * 1e6)}`): Promise<IngestResponse> {
  const staged = await signedFetch(`${sg.base}/ingest/${loadId}/records`, sg.secret, {
    from: LOADER,
    caller: null,
    body: JSON.stringify({ records: records.map((record, i) => ({ line: i + 1, record })) }),
  });
  const stagedBody = (await staged.json()) as { staged?: number; errors?: { line: number; field: string; message: string }[] };
  if (staged.status !== 200) return { status: staged.status, ...stagedBody };
  const committed = await signedFetch(`${sg.base}/ingest/${loadId}/commit`, sg.secret, { from: LOADER, caller: null, body: '{}' });
  return { status: committed.status, ...((await committed.json()) as { counts?: Record<string, number> }) };
}
