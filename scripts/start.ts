/**
 * `npm start`: every subgraph and the gateway on this machine, each its own process with its own
 * database (embedded PGlite under DATA_DIR, or a database per service on DATABASE_URL's server),
 * demo data loaded on first start unless DEMO_DATA=0. Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SERVICES, commonEnv, parseEnv, subgraphUrl } from '@saf/config';
import { ensureConsoleBuilt } from '@saf/console/build';
import { loadDemoData } from './demo.ts';
import { seedApplications } from './demoCasework.ts';

const env = parseEnv(commonEnv.extend({ DEMO_DATA: z.enum(['0', '1']).default('1') }));
const root = fileURLToPath(new URL('..', import.meta.url));
const children = new Map<string, ChildProcess>();
let stopping = false;

function run(name: string, entry: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    env: { ...process.env, APOLLO_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (stopping) return;
    process.stderr.write(`${name} exited (${signal ?? code}); stopping everything\n`);
    void stop(1);
  });
  return child;
}

async function waitReady(name: string, base: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!children.has(name)) throw new Error(`${name} stopped while starting`);
    try {
      const res = await fetch(`${base}/health/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} not ready after ${timeoutMs / 1000} s`);
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  const exits = [...children.values()].map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r))));
  for (const child of children.values()) child.kill('SIGTERM');
  await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 10_000))]);
  for (const child of children.values()) child.kill('SIGKILL');
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  const where = env.DATABASE_URL ? `PostgreSQL ${new URL(env.DATABASE_URL).host}` : `PGlite under ${env.DATA_DIR}/`;
  process.stdout.write(`starting ${SERVICES.length} subgraphs and the gateway (databases: ${where})\n`);
  for (const s of SERVICES) run(s.name, `subgraphs/${s.name}/src/index.ts`);
  // The console (served by the gateway at /) is built while the subgraphs start, when missing or
  // older than its sources; a failed build leaves the API running and says how to build it.
  const consoleBuild = ensureConsoleBuilt({ log: (m) => process.stdout.write(`${m}\n`) }).catch((err: Error) => {
    process.stderr.write(`${err.message}\nthe API runs without the console page; fix the error and run \`npm run console:build\`\n`);
  });
  await Promise.all(SERVICES.map((s) => waitReady(s.name, subgraphUrl(s.name, process.env, env.SUBGRAPH_PORT_BASE).replace(/\/graphql$/, ''))));
  await consoleBuild;
  run('gateway', 'gateway/src/index.ts');
  const gateway = `http://localhost:${env.GATEWAY_PORT}`;
  await waitReady('gateway', gateway);
  if (env.DEMO_DATA === '1') await loadDemoData(process.env, env.SUBGRAPH_PORT_BASE, env.NODE_ENV);
  const rows = SERVICES.map((s) => `  ${s.name.padEnd(28)} ${subgraphUrl(s.name, process.env, env.SUBGRAPH_PORT_BASE)}`);
  process.stdout.write(`\nrunning:\n  ${'console'.padEnd(28)} ${gateway}/\n  ${'gateway'.padEnd(28)} ${gateway}/graphql\n${rows.join('\n')}\n\nCtrl-C stops everything.\n`);
  // Demo applications at every stage, filed through the gateway in the background (a minute or
  // so; development tokens, so never in production; only where none exist yet).
  if (env.DEMO_DATA === '1' && env.NODE_ENV !== 'production') {
    seedApplications(`${gateway}/graphql`, (line) => process.stdout.write(line)).catch((err: Error) => process.stderr.write(`demo applications not filed: ${err.message}\n`));
  }
}

main().catch((err) => {
  process.stderr.write(`start failed: ${(err as Error).message}\n`);
  void stop(1);
});
