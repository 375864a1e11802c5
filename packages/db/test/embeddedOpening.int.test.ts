import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, serveEmbedded, type EmbeddedServer } from '@saf/db';

// `npm start` starts the services while the embedded databases open (scripts/embedded-postgres.ts):
// a service that connects before its database is open is answered at once (its driver's connect
// timeout is 5 s; opening a database takes longer on a busy machine), waits at its first query,
// then works; the database a connection waits for opens next.

const MIGRATIONS = fileURLToPath(new URL('../../../subgraphs/labour/drizzle', import.meta.url));

describe('embedded databases opening while services connect', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'saf-embedded-opening-'));
  let server: EmbeddedServer | undefined;
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a connection before its database is open, runs its migrations once it is, and opens it before the others', async () => {
    const events: string[] = [];
    const template = path.join(dir, 'cache', 'empty.tar');
    server = await serveEmbedded({ dataDir: path.join(dir, 'data'), names: ['alpha', 'beta', 'gamma'], templateCache: template, onOpen: (name) => events.push(`open ${name}`) });
    // alpha is being opened (it makes the empty cluster first); gamma waits in line behind beta.
    const service = await openDatabase({ name: 'labour', dataDir: dir, exactUrl: server.url('gamma'), poolSize: 1, migrationsFolder: MIGRATIONS });
    events.push('migrated');
    // gamma, waited for, opened right after alpha (beta opens meanwhile or after: same thread).
    expect(events.slice(0, 2)).toEqual(['open alpha', 'open gamma']);
    const tables = await service.db.execute(sql`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`);
    expect((tables as unknown as { rows: { n: number }[] }).rows[0]!.n).toBeGreaterThan(0);
    await service.close();
    await server.opened;
    expect(events.sort()).toEqual(['migrated', 'open alpha', 'open beta', 'open gamma']);
    // The empty cluster was kept for the next start's new databases.
    expect(existsSync(template)).toBe(true);
  }, 300_000);

  it('reopens the databases from disk, with what was written, using the kept empty cluster for a new one', async () => {
    await server!.close();
    const events: string[] = [];
    server = await serveEmbedded({ dataDir: path.join(dir, 'data'), names: ['gamma', 'delta'], templateCache: path.join(dir, 'cache', 'empty.tar'), onOpen: (name, _ms, fresh) => events.push(`${fresh ? 'created' : 'opened'} ${name}`) });
    const service = await openDatabase({ name: 'labour', dataDir: dir, exactUrl: server.url('delta'), poolSize: 1, migrationsFolder: MIGRATIONS });
    await service.close();
    await server.opened;
    expect(events).toEqual(['opened gamma', 'created delta']);
  }, 300_000);

  it('in worker threads (EMBEDDED_THREADS=1): opens them side by side, a connection made meanwhile waits and works, and what was written is there after a restart', async () => {
    await server!.close();
    const events: string[] = [];
    const names = ['gamma', 'delta', 'epsilon'];
    server = await serveEmbedded({ dataDir: path.join(dir, 'data'), names, threads: true, templateCache: path.join(dir, 'cache', 'empty.tar'), onOpen: (name, _ms, fresh) => events.push(`${fresh ? 'created' : 'opened'} ${name}`) });
    const service = await openDatabase({ name: 'labour', dataDir: dir, exactUrl: server.url('epsilon'), poolSize: 1, migrationsFolder: MIGRATIONS });
    await service.db.execute(sql`CREATE TABLE note (id int PRIMARY KEY, body text)`);
    await service.db.execute(sql`INSERT INTO note VALUES (1, '一')`);
    await service.close();
    await server.opened;
    expect(events.sort()).toEqual(['created epsilon', 'opened delta', 'opened gamma']);
    await server.close();
    server = await serveEmbedded({ dataDir: path.join(dir, 'data'), names: ['epsilon'], threads: true });
    const again = await openDatabase({ name: 'labour', dataDir: dir, exactUrl: server.url('epsilon'), poolSize: 1, migrationsFolder: MIGRATIONS });
    const rows = await again.db.execute(sql`SELECT body FROM note`);
    expect((rows as unknown as { rows: { body: string }[] }).rows).toEqual([{ body: '一' }]);
    await again.close();
  }, 300_000);
});
