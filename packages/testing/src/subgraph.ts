import { fileURLToPath } from 'node:url';
import type { Database } from '@saf/db';
import { closeServer, createLogger, listen, type Logger } from '@saf/service';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface StartedSubgraph {
  url: string;
  base: string;
  database: TestDatabase;
  /** SQL statements run since the last `resetQueries()`. */
  queries: string[];
  resetQueries(): void;
  stop(): Promise<void>;
}

type Factory = (deps: { database: Database; log: Logger }) => { http: import('node:http').Server; start(): Promise<void>; stop?(): Promise<void> };

/** One subgraph on a free port with its own fresh database, counting the SQL it runs. */
export async function startSubgraph(name: string, create: Factory, subgraphDir: URL): Promise<StartedSubgraph> {
  const queries: string[] = [];
  const migrations = fileURLToPath(new URL('drizzle', subgraphDir));
  const database = await createTestDatabase(name, migrations, { onQuery: (q) => queries.push(q) });
  const built = create({ database, log: createLogger(name, 'silent') });
  await built.start();
  const port = await listen(built.http, 0, '127.0.0.1');
  queries.length = 0;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    base: `http://127.0.0.1:${port}`,
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

export async function ingest(base: string, records: object[], loadId = `t${Date.now()}${Math.floor(Math.random() * 1e6)}`): Promise<IngestResponse> {
  const staged = await fetch(`${base}/ingest/${loadId}/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ records: records.map((record, i) => ({ line: i + 1, record })) }),
  });
  const stagedBody = (await staged.json()) as { staged?: number; errors?: { line: number; field: string; message: string }[] };
  if (staged.status !== 200) return { status: staged.status, ...stagedBody };
  const committed = await fetch(`${base}/ingest/${loadId}/commit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  return { status: committed.status, ...((await committed.json()) as { counts?: Record<string, number> }) };
}
