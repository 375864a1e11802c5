/**
 * `npm start`: every subgraph and the gateway on this machine, each its own process with its own
 * database (embedded PGlite under DATA_DIR, or a database per service on DATABASE_URL's server),
 * demo data loaded on first start unless DEMO_DATA=0.
 *
 * In order: the console is built (when missing or stale), the processes are compiled to JavaScript
 * (scripts/bundle.mjs; `npm start` runs scripts/start.mjs, which compiles this file too), the
 * databases on DATABASE_URL's server are created (or, without one, the process serving the
 * embedded databases starts: it listens at once and opens them while the subgraphs start), the
 * subgraphs start (progress per service, a line every 10 s naming who is still starting, at most
 * START_TIMEOUT_S), then the gateway. A service that fails to start stops the
 * start with its last log lines and what to try. Once running, a service that dies is started
 * again with backoff while the others keep serving (as compose's `restart: unless-stopped`);
 * only Ctrl-C (SIGINT) or SIGTERM stops everything. The schema registry starts beside the
 * subgraphs without holding up the start (scripts/start-registry.ts; REGISTRY=0: none).
 */
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SERVICES, commonEnv, parseEnv, subgraphUrl, envPrefix } from '@saf/config';
import { DatabaseSetupError, ensureDatabase, serviceDatabaseName } from '@saf/db';
import { ensureConsoleBuilt } from '@saf/console/build';
import { loadDemoData } from './demo.ts';
import { Supervisor, type Supervised } from './supervise.ts';
import { seedApplications } from './demoCasework.ts';
import { subgraphSigningSecret } from '@saf/auth';
import { bundle, compiledPath, startEntries } from './bundle.mjs';
import { localRegistryUrl, publishOwnSchemas, startRegistryBeside } from './start-registry.ts';

const env = parseEnv(
  commonEnv.extend({
    DEMO_DATA: z.enum(['0', '1']).default('1'),
    /** How long each service may take to answer /health/ready when started, in seconds. */
    START_TIMEOUT_S: z.coerce.number().int().min(1).max(3600).default(300),
    /** No DATABASE_URL: one process serves every service's embedded database (1), or each service opens its own PGlite (0, as before: ~8 GB). */
    EMBEDDED_SHARED: z.enum(['0', '1']).default('1'),
    /** Run the services compiled to JavaScript on plain Node (1), or each under tsx (0: slower to start, more memory). */
    START_COMPILE: z.enum(['0', '1']).default('1'),
    /** The schema registry beside the services, the gateway pulling from it (scripts/start-registry.ts); 0: the supergraph file alone. */
    REGISTRY: z.enum(['0', '1']).default('1'),
  }),
);
const root = fileURLToPath(new URL('..', import.meta.url));
const out = (line: string) => process.stdout.write(`${line}\n`);

/** The services' databases on DATABASE_URL's server, created before they start: a clear line if that cannot be done. */
async function ensureServerDatabases(url: string): Promise<void> {
  for (const s of SERVICES) {
    if (process.env[`${envPrefix(s.name)}_DATABASE_URL`]) continue;
    await ensureDatabase(url, serviceDatabaseName(url, s.name));
  }
}

function databaseProblem(err: unknown, url: string): string {
  if (err instanceof DatabaseSetupError) return err.message;
  const e = err as { code?: string; message?: string };
  const host = new URL(url).host;
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'ETIMEDOUT' || e.code === 'EHOSTUNREACH')
    return `PostgreSQL at ${host} is not reachable (${e.code}): start it, correct DATABASE_URL, or unset DATABASE_URL to use the embedded databases under DATA_DIR`;
  if (e.code === '28P01' || e.code === '28000') return `PostgreSQL at ${host} refused the login (${e.message}): correct the user or password in DATABASE_URL`;
  return `PostgreSQL at ${host}: ${e.message ?? String(err)}${e.code ? ` (${e.code})` : ''}`;
}

/** A port free right now on loopback (for the embedded databases; kept across their restarts). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * No DATABASE_URL: one process holds every service's embedded database and serves them over the
 * wire protocol (scripts/embedded-postgres.ts); each service is given its own database's URL and
 * a pool of one connection (PGlite is one backend). A service whose own `<SERVICE>_DATABASE_URL`
 * is set keeps it.
 */
async function startEmbeddedDatabases(): Promise<{ envs: Record<string, Record<string, string>>; databases: Supervised }> {
  const port = await freePort();
  out(`starting the embedded databases (PGlite under ${env.DATA_DIR}/, one process on 127.0.0.1:${port})`);
  const databases = supervisor.add('databases', 'scripts/embedded-postgres.ts', '', { env: { EMBEDDED_DB_PORT: String(port), ...(env.REGISTRY === '1' ? { EMBEDDED_DB_EXTRA: 'registry' } : {}) }, readyLine: 'embedded databases listening', stopLast: true });
  await supervisor.startAll([databases]);
  const envs: Record<string, Record<string, string>> = {};
  for (const s of SERVICES) {
    const own = `${envPrefix(s.name)}_DATABASE_URL`;
    envs[s.name] = process.env[own] ? {} : { [own]: `postgres://postgres@127.0.0.1:${port}/${s.name}`, DATABASE_POOL_SIZE: '1' };
  }
  envs.registry = process.env.REGISTRY_DATABASE_URL ? {} : { REGISTRY_DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/registry`, DATABASE_POOL_SIZE: '1' };
  return { envs, databases };
}

function hints(service: Supervised): string[] {
  const tips = [
    `read ${service.name}'s lines above: they say why it stopped; fix that and run \`npm start\` again`,
    `a busy machine may need longer: START_TIMEOUT_S=${Math.max(600, env.START_TIMEOUT_S * 2)} npm start (now ${env.START_TIMEOUT_S} s)`,
  ];
  if (env.DATABASE_URL) tips.push(`check the server answers: psql "${env.DATABASE_URL}" -c 'select 1'`);
  else if (service.name === 'databases') tips.push(`the embedded databases are ${env.DATA_DIR}/<service>: one that is damaged can be removed (its data is lost; the demo data is loaded again), or start from empty: rm -rf ${env.DATA_DIR}`);
  else tips.push(`its embedded database is ${env.DATA_DIR}/${service.name}: if it is damaged, remove it (its data is lost; the demo data is loaded again) or start from empty: rm -rf ${env.DATA_DIR}`);
  tips.push('another program on its port: set SUBGRAPH_PORT_BASE and GATEWAY_PORT (README, "Configuration")');
  return tips;
}

/** Entries compiled to JavaScript (scripts/bundle.mjs), filled before the first service starts. */
const compiled = new Map<string, string>();

/**
 * The services compiled (scripts/bundle.mjs): by `npm start` (scripts/start.mjs) already, with this
 * file; else now. A failure is said and leaves them under tsx.
 */
async function compileServices(): Promise<void> {
  const entries = startEntries(root).filter((e) => e !== 'scripts/start.ts');
  const done = process.env.SAF_START_COMPILED;
  if (done) {
    for (const e of entries) compiled.set(e, compiledPath(done, e));
    out(`services compiled (${(Number(process.env.SAF_START_COMPILE_MS ?? 0) / 1000).toFixed(1)} s)`);
    return;
  }
  const began = Date.now();
  try {
    for (const [e, file] of await bundle(root, entries)) compiled.set(e, file);
    out(`services compiled (${((Date.now() - began) / 1000).toFixed(1)} s)`);
  } catch (err) {
    process.stderr.write(`could not compile the services (${(err as Error).message.split('\n')[0]}); they run under tsx\n`);
  }
}

const supervisor = new Supervisor({ root, compiled, readyTimeoutMs: env.START_TIMEOUT_S * 1000, out, err: (line) => process.stderr.write(`${line}\n`) });

async function main(): Promise<void> {
  process.on('SIGINT', () => void supervisor.stop().then(() => process.exit(0)));
  process.on('SIGTERM', () => void supervisor.stop().then(() => process.exit(0)));

  // The console (served by the gateway at /) first, alone: on two cores a build beside nine
  // starting services slows them all. A failed build leaves the API running and says how to build it.
  const t0 = Date.now();
  const built = await ensureConsoleBuilt({ log: out }).catch((err: Error) => {
    process.stderr.write(`${err.message}\nthe API runs without the console page; fix the error and run \`npm run console:build\`\n`);
    return null;
  });
  if (built === false) out('console up to date');
  else if (built) out(`console built (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  if (env.START_COMPILE === '1') await compileServices();

  if (env.DATABASE_URL) {
    try {
      await ensureServerDatabases(env.DATABASE_URL);
    } catch (err) {
      process.stderr.write(`start failed: ${databaseProblem(err, env.DATABASE_URL)}\n`);
      process.exit(1);
    }
  }
  const gateway = `http://localhost:${env.GATEWAY_PORT}`;
  let registry: ReturnType<typeof startRegistryBeside> | null = null;
  try {
    // The embedded databases' process listens at once and opens the databases while the subgraphs start (their first query waits for theirs).
    const embedded = env.DATABASE_URL || env.EMBEDDED_SHARED === '0' ? null : await startEmbeddedDatabases();
    const serviceEnv = embedded?.envs ?? {};
    const where = env.DATABASE_URL ? `PostgreSQL ${new URL(env.DATABASE_URL).host}` : `embedded, PGlite under ${env.DATA_DIR}/`;
    out(`starting ${SERVICES.length} subgraphs (databases: ${where}; each may take up to START_TIMEOUT_S=${env.START_TIMEOUT_S} s)`);
    const subgraphs = SERVICES.map((s) => supervisor.add(s.name, `subgraphs/${s.name}/src/index.ts`, subgraphUrl(s.name, process.env, env.SUBGRAPH_PORT_BASE).replace(/\/graphql$/, ''), { env: serviceEnv[s.name] }));
    const registryUrl = localRegistryUrl(process.env, env.SUBGRAPH_PORT_BASE);
    registry = env.REGISTRY === '1' ? startRegistryBeside(supervisor, registryUrl, serviceEnv.registry, out) : null;
    await supervisor.startAll(subgraphs, embedded ? [embedded.databases] : []);
    out('starting the gateway');
    await supervisor.startAll([supervisor.add('gateway', 'gateway/src/index.ts', gateway, registry ? { env: { REGISTRY_URL: registryUrl } } : {})]);
  } catch (err) {
    const failed = (err as { service?: Supervised }).service;
    process.stderr.write(`\nstart failed: ${(err as Error).message}\n`);
    if (failed) {
      const lines = failed.lastLines();
      process.stderr.write(lines.length ? `last ${lines.length} lines of ${failed.name}:\n${lines.map((l) => `  | ${l}`).join('\n')}\n` : `${failed.name} wrote nothing\n`);
      process.stderr.write(`what to try:\n${hints(failed).map((t) => `  - ${t}`).join('\n')}\n`);
    }
    await supervisor.stop();
    process.exit(1);
  }
  supervisor.keepRunning();
  // Our subgraphs publish themselves once the registry is up, in the background.
  if (registry) void registry.started.then((up) => up && publishOwnSchemas(localRegistryUrl(process.env, env.SUBGRAPH_PORT_BASE), out, compiled.get('scripts/schema-publish.ts')));
  if (env.DEMO_DATA === '1') {
    await loadDemoData(process.env, env.SUBGRAPH_PORT_BASE, env.NODE_ENV).catch((err: Error) => {
      process.stderr.write(`demo data not loaded: ${err.message}\nthe services keep running; load it with \`npm run load -- FILE\` (README, "Data in") or restart \`npm start\`\n`);
    });
  }
  const rows = SERVICES.map((s) => `  ${s.name.padEnd(28)} ${subgraphUrl(s.name, process.env, env.SUBGRAPH_PORT_BASE)}`);
  out(`\nrunning (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s):\n  ${'console'.padEnd(28)} ${gateway}/\n  ${'gateway'.padEnd(28)} ${gateway}/graphql\n${rows.join('\n')}\n\nA service that stops is started again; Ctrl-C stops everything.`);
  // Demo applications at every stage, filed through the gateway in the background (a minute or
  // so; development tokens, so never in production; only where none exist yet).
  if (env.DEMO_DATA === '1' && env.NODE_ENV !== 'production') {
    seedApplications(`${gateway}/graphql`, (line) => process.stdout.write(line), { url: subgraphUrl('coordination', process.env, env.SUBGRAPH_PORT_BASE), secret: subgraphSigningSecret('coordination', process.env, env.NODE_ENV) }).catch((err: Error) => process.stderr.write(`demo applications not filed: ${err.message}\n`));
  }
}

main().catch(async (err) => {
  process.stderr.write(`start failed: ${(err as Error).message}\n`);
  await supervisor.stop();
  process.exit(1);
});
