/**
 * The soak's own system: every subgraph and the gateway as separate processes, as `npm start`
 * runs them (scripts/start.ts), on a free port range and databases of their own, so that the soak
 * can kill one child and start it again, and read every child's resident memory.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICES, envPrefix } from '@saf/config';
import { dropDatabase, ensureDatabase, serviceDatabaseName } from '@saf/db';
import { freePortBase } from '@saf/testing';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Resident memory of a process in bytes (Linux /proc, else `ps`). */
export function rssOf(pid: number): number | null {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux, or gone
  }
  try {
    return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)]).toString().trim()) * 1024 || null;
  } catch {
    return null;
  }
}

export interface SoakSystem {
  gatewayUrl: string;
  /** The environment the services run with (the loader reads the same). */
  env: NodeJS.ProcessEnv;
  portBase: number;
  /** Running children by name (`gateway` and each subgraph). */
  pids(): Map<string, number>;
  /** SIGKILL, as a crash would. */
  kill(name: string): Promise<void>;
  /** Starts a killed child again on the same port and database; resolves when it is ready. */
  restart(name: string): Promise<void>;
  stop(): Promise<void>;
}

interface Child {
  process: ChildProcess;
  entry: string;
  base: string;
  exited: Promise<void>;
}

/**
 * Starts the system: databases on DATABASE_URL's server (a fresh `saf_soak_<random>` family,
 * dropped afterwards) or PGlite in a temporary folder.
 */
export async function startSoakSystem(options: { databaseUrl?: string; nodeEnv: string; logLevel: string; log: (line: string) => void }): Promise<SoakSystem> {
  const portBase = await freePortBase(SERVICES.length);
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The soak's children must not follow overrides meant for another system.
  for (const s of SERVICES) for (const suffix of ['URL', 'PORT', 'DATABASE_URL']) delete env[`${envPrefix(s.name)}_${suffix}`];
  delete env.GATEWAY_URL;
  Object.assign(env, {
    NODE_ENV: options.nodeEnv,
    LOG_LEVEL: options.logLevel,
    GATEWAY_PORT: String(portBase),
    GATEWAY_HOST: '127.0.0.1',
    SUBGRAPH_PORT_BASE: String(portBase),
    SUBGRAPH_HOST: '127.0.0.1',
    APOLLO_TELEMETRY_DISABLED: '1',
    // The soak's one token stands for ten caseworkers at full speed: limits per caller would
    // refuse most of it, and what the soak checks is failure and memory, not the limits.
    CALLER_LIMITS: 'off',
  });

  let cleanupData: () => Promise<void>;
  if (options.databaseUrl) {
    const base = `saf_soak_${randomBytes(3).toString('hex')}`;
    await ensureDatabase(options.databaseUrl, base);
    const url = new URL(options.databaseUrl);
    url.pathname = `/${base}`;
    env.DATABASE_URL = url.toString();
    delete env.DATA_DIR;
    cleanupData = async () => {
      for (const s of SERVICES) await dropDatabase(options.databaseUrl!, serviceDatabaseName(url.toString(), s.name)).catch(() => {});
      await dropDatabase(options.databaseUrl!, base).catch(() => {});
    };
    options.log(`databases: ${base}_* on ${url.host}`);
  } else {
    const dir = await mkdtemp(path.join(tmpdir(), 'saf-soak-'));
    env.DATA_DIR = dir;
    delete env.DATABASE_URL;
    cleanupData = () => rm(dir, { recursive: true, force: true });
    options.log(`databases: PGlite under ${dir}`);
  }

  const children = new Map<string, Child>();
  const start = (name: string, entry: string, base: string) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    child.stderr!.on('data', (c: Buffer) => (tail = (tail + c.toString()).slice(-4000)));
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        if (children.get(name)?.process === child && !stopping && signal !== 'SIGKILL') options.log(`${name} exited (${signal ?? code}): ${tail.trim().split('\n').slice(-3).join(' | ')}`);
        resolve();
      }),
    );
    children.set(name, { process: child, entry, base, exited });
  };
  const waitReady = async (name: string, timeoutMs = 180_000) => {
    const child = children.get(name)!;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.process.exitCode !== null || child.process.signalCode !== null) throw new Error(`${name} stopped while starting`);
      try {
        if ((await fetch(`${child.base}/health/ready`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${name} not ready after ${timeoutMs / 1000} s`);
  };
  let stopping = false;
  const stop = async () => {
    stopping = true;
    const all = [...children.values()];
    for (const c of all) c.process.kill('SIGTERM');
    await Promise.race([Promise.all(all.map((c) => c.exited)), new Promise((r) => setTimeout(r, 25_000))]);
    for (const c of all) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    await Promise.all(all.map((c) => c.exited));
    await cleanupData();
  };

  try {
    for (const s of SERVICES) start(s.name, `subgraphs/${s.name}/src/index.ts`, `http://127.0.0.1:${portBase + s.portOffset}`);
    await Promise.all(SERVICES.map((s) => waitReady(s.name)));
    start('gateway', 'gateway/src/index.ts', `http://127.0.0.1:${portBase}`);
    await waitReady('gateway');
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    gatewayUrl: `http://127.0.0.1:${portBase}/graphql`,
    env,
    portBase,
    pids: () => new Map([...children].filter(([, c]) => c.process.exitCode === null && c.process.signalCode === null).map(([n, c]) => [n, c.process.pid!])),
    kill: async (name) => {
      const child = children.get(name)!;
      child.process.kill('SIGKILL');
      await child.exited;
    },
    restart: async (name) => {
      const child = children.get(name)!;
      start(name, child.entry, child.base);
      await waitReady(name);
    },
    stop,
  };
}
