/**
 * The embedded databases of `npm start` (no DATABASE_URL): one process holding every service's
 * PGlite (`DATA_DIR/<service>`), served over the PostgreSQL wire protocol on EMBEDDED_DB_PORT,
 * each service's by its own database name (packages/db/src/embedded.ts). Prints
 * `embedded databases listening` at once (services may connect: their first request waits for
 * their database), then each database as it opens and `embedded databases ready` once all are;
 * SIGTERM or SIGINT closes them cleanly.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SERVICES, commonEnv, parseEnv } from '@saf/config';
import { serveEmbedded } from '@saf/db';

const env = parseEnv(
  commonEnv.extend({
    EMBEDDED_DB_PORT: z.coerce.number().int().min(1).max(65535),
    /** Each database in a worker thread, all opening at once (1: more memory and CPU in all; packages/db/src/embedded.ts), or one after another on one thread (0). */
    EMBEDDED_THREADS: z.enum(['0', '1']).default('0'),
    /** More databases than the services', comma-separated (`registry` for the schema registry). */
    EMBEDDED_DB_EXTRA: z.string().default(''),
  }),
);
const names = [...SERVICES.map((s) => s.name), ...env.EMBEDDED_DB_EXTRA.split(',').map((n) => n.trim()).filter(Boolean)];

/** The empty cluster new databases are copied from, kept per PGlite release (made once per checkout, not per DATA_DIR). */
function templateCache(): string {
  const pglite = fileURLToPath(import.meta.resolve('@electric-sql/pglite'));
  const version = JSON.parse(readFileSync(path.join(pglite, '..', '..', 'package.json'), 'utf8')).version as string;
  return fileURLToPath(new URL(`../node_modules/.cache/saf-start/pglite-${version}-empty.tar`, import.meta.url));
}

function fatal(err: unknown): never {
  process.stderr.write(`embedded databases: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const started = Date.now();
  const server = await serveEmbedded({
    dataDir: env.DATA_DIR,
    names,
    port: env.EMBEDDED_DB_PORT,
    templateCache: templateCache(),
    threads: env.EMBEDDED_THREADS === '1',
    onOpen: (name, ms, fresh) => process.stdout.write(`embedded database ${name} ${fresh ? 'created' : 'opened'} (${(ms / 1000).toFixed(1)} s)\n`),
    onFatal: fatal,
  });
  process.stdout.write(`embedded databases listening on 127.0.0.1:${server.port}; opening ${names.length} PGlite databases under ${env.DATA_DIR}/\n`);
  server.opened.then(
    () => process.stdout.write(`embedded databases ready: ${names.length} PGlite databases under ${env.DATA_DIR}/ on 127.0.0.1:${server.port} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`),
    fatal,
  );
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    // Services drain first (npm start stops them together): give them a moment, then close.
    setTimeout(() => void server.close().then(() => process.exit(0), () => process.exit(1)), 1_000);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`embedded databases failed: ${(err as Error).message}\n`);
  process.exit(1);
});
