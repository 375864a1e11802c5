import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '@saf/auth';
import { SERVICES } from '@saf/config';
import { dropDatabase, serviceDatabaseName } from '@saf/db';
import { freePortBase } from '@saf/testing';
import { refusesConnections } from './support/processes.ts';

// `npm start` as a newcomer runs it with a PostgreSQL server: DATABASE_URL names a database that
// does not exist (its services' databases are created), the console is built before the services
// start, each service says when it is ready; once running, a department that dies is started
// again while the others keep serving, and only Ctrl-C stops everything. A service that cannot
// start stops the start with its last lines and what to try.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  waitFor: (text: string | RegExp, timeoutMs: number, from?: number) => Promise<RegExpMatchArray | string>;
}

function npmStart(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    output: () => output,
    exited,
    waitFor: async (text, timeoutMs, from = 0) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const rest = output.slice(from);
        const found = typeof text === 'string' ? (rest.includes(text) ? text : null) : rest.match(text);
        if (found) return found;
        if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}) before ${String(text)}:\n${output.slice(-4000)}`);
        if (Date.now() > deadline) throw new Error(`no ${String(text)} within ${timeoutMs} ms:\n${output.slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
  };
}

async function stopAll(started: Started | undefined): Promise<void> {
  if (!started || started.child.exitCode !== null) return;
  started.child.kill('SIGINT');
  await Promise.race([started.exited, new Promise((r) => setTimeout(r, 40_000))]);
  if (started.child.exitCode === null) started.child.kill('SIGKILL');
}

const baseUrl = (base: string) => Object.assign(new URL(SERVER), { pathname: `/${base}` }).toString();
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start on a PostgreSQL server, with a department that dies', () => {
  const base = `t_start_${randomBytes(4).toString('hex')}`;
  let started: Started;
  let gateway: string;
  let portBase: number;
  const pids = new Map<string, number>();

  beforeAll(async () => {
    portBase = await freePortBase(SERVICES.length);
    gateway = `http://127.0.0.1:${portBase}`;
    // The database DATABASE_URL names does not exist: only the services' own are made, beside it.
    started = npmStart({ DATABASE_URL: baseUrl(base), GATEWAY_PORT: String(portBase), SUBGRAPH_PORT_BASE: String(portBase), START_TIMEOUT_S: '600' });
    await started.waitFor('Ctrl-C stops everything', 600_000);
    for (const m of started.output().matchAll(/^(\S+) ready \(\d+\.\d s, pid (\d+)\)$/gm)) pids.set(m[1]!, Number(m[2]));
  }, 660_000);

  afterAll(async () => {
    await stopAll(started);
    for (const s of SERVICES) await dropDatabase(SERVER, serviceDatabaseName(baseUrl(base), s.name)).catch(() => {});
  }, 120_000);

  it('built the console before starting the services, and said when each was ready', () => {
    const output = started.output();
    expect(output).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
    const consoleLine = output.search(/^console (up to date|built)/m);
    const firstService = output.indexOf('starting 9 subgraphs');
    expect(consoleLine).toBeGreaterThanOrEqual(0);
    expect(firstService).toBeGreaterThan(consoleLine);
    // The schema registry runs beside them (REGISTRY=1, the default).
    expect([...pids.keys()].sort()).toEqual([...SERVICES.map((s) => s.name), 'gateway', 'registry'].sort());
    expect(output).toContain('demo data loaded');
  });

  it('starts a killed department again with backoff while the gateway and the other services keep serving', async () => {
    const generated = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generate.ts', '--households', '300', '--seed', '2026'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const labourAward = generated.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; department?: string; householdId?: string })
      .find((r) => r.type === 'award' && r.department === 'LABOUR' && r.householdId);
    expect(labourAward).toBeDefined();
    const token = await signDevToken({ sub: 'newcomer', role: 'CASEWORKER', region: '65' });
    const picture = async () => {
      const res = await fetch(`${gateway}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'MINIMUM_LIVING_REVIEW' },
        body: JSON.stringify({ query: 'query P($id: ID!) { household(id: $id) { id awards { department } } }', variables: { id: labourAward!.householdId } }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { data: { household: { awards: { department: string }[] } | null }; errors?: { extensions?: { serviceName?: string } }[] };
    };
    const before = await picture();
    expect(before.errors).toBeUndefined();
    expect(before.data.household!.awards.map((a) => a.department)).toContain('LABOUR');

    // Everyone else is watched for the whole time: a single failed readiness probe is a failure.
    const others = [...SERVICES.filter((s) => s.name !== 'labour').map((s) => ({ name: s.name, url: `http://127.0.0.1:${portBase + s.portOffset}/health/ready` })), { name: 'gateway', url: `${gateway}/health/ready` }];
    const failures: string[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        await Promise.all(
          others.map(async (o) => {
            const res = await fetch(o.url, { signal: AbortSignal.timeout(10_000) }).catch((e: Error) => e);
            if (res instanceof Error || !res.ok) failures.push(`${o.name}: ${res instanceof Error ? res.message : res.status}`);
            if (!(res instanceof Error)) await res.body?.cancel();
          }),
        );
        await new Promise((r) => setTimeout(r, 500));
      }
    })();

    const labour = pids.get('labour')!;
    let from = started.output().length;
    process.kill(labour, 'SIGKILL');
    await started.waitFor(/labour exited \(SIGKILL\); starting it again in 1\.0 s/, 30_000, from);
    const back = (await started.waitFor(/labour back \(ready in \d+\.\d s, pid (\d+)\)/, 300_000, from)) as RegExpMatchArray;
    const second = Number(back[1]);
    expect(second).not.toBe(labour);

    // Dying again at once waits longer (backoff).
    from = started.output().length;
    process.kill(second, 'SIGKILL');
    await started.waitFor(/labour exited \(SIGKILL\); starting it again in 2\.0 s/, 30_000, from);
    await started.waitFor(/labour back \(ready in \d+\.\d s, pid \d+\)/, 300_000, from);

    // The gateway answers with labour's part again (its breaker probes the department back).
    const deadline = Date.now() + 60_000;
    let after = await picture();
    while ((after.errors || !after.data.household!.awards.some((a) => a.department === 'LABOUR')) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1_000));
      after = await picture();
    }
    expect(after.errors).toBeUndefined();
    expect(after.data.household!.awards.map((a) => a.department)).toContain('LABOUR');

    watching = false;
    await watcher;
    expect(failures).toEqual([]);
    for (const [name, pid] of pids) if (name !== 'labour') expect(alive(pid), `${name} (pid ${pid}) still running`).toBe(true);
    expect(started.child.exitCode).toBeNull();
  }, 600_000);

  it('stops everything on Ctrl-C', async () => {
    started.child.kill('SIGINT');
    await Promise.race([started.exited, new Promise((r) => setTimeout(r, 40_000))]);
    expect(started.child.exitCode).toBe(0);
    expect(await refusesConnections(portBase)).toBe(true);
    for (const [name, pid] of pids) expect(alive(pid), `${name} (pid ${pid}) stopped`).toBe(false);
  }, 60_000);
});

describe('npm start when a service cannot start', () => {
  const base = `t_startfail_${randomBytes(4).toString('hex')}`;
  let started: Started | undefined;
  afterAll(async () => {
    await stopAll(started);
    for (const s of SERVICES) await dropDatabase(SERVER, serviceDatabaseName(baseUrl(base), s.name)).catch(() => {});
  }, 120_000);

  it('prints its last lines and what to try, and stops the rest', async () => {
    const portBase = await freePortBase(SERVICES.length);
    // Labour's own database URL is not a URL: labour exits at once, saying so.
    started = npmStart({ DATABASE_URL: baseUrl(base), GATEWAY_PORT: String(portBase), SUBGRAPH_PORT_BASE: String(portBase), DEMO_DATA: '0', LABOUR_DATABASE_URL: 'not-a-url' });
    const code = await Promise.race([started.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 300_000))]);
    const output = started.output();
    expect(code, output.slice(-3000)).toBe(1);
    expect(output).toContain('start failed: labour stopped while starting (exit 1)');
    expect(output).toMatch(/last \d+ lines of labour:\n(  \| .*\n)*  \| .*LABOUR_DATABASE_URL/);
    expect(output).toContain('what to try:');
    expect(output).toContain('START_TIMEOUT_S=');
    expect(output).not.toContain('Ctrl-C stops everything');
    const ports = SERVICES.map((s) => portBase + s.portOffset);
    for (const port of ports) expect(await refusesConnections(port)).toBe(true);
  }, 360_000);

  it('gives up on a service not ready within START_TIMEOUT_S, naming the setting', async () => {
    const portBase = await freePortBase(SERVICES.length);
    started = npmStart({ DATABASE_URL: baseUrl(base), GATEWAY_PORT: String(portBase), SUBGRAPH_PORT_BASE: String(portBase), DEMO_DATA: '0', START_TIMEOUT_S: '1' });
    const code = await Promise.race([started.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 300_000))]);
    const output = started.output();
    expect(code, output.slice(-3000)).toBe(1);
    expect(output).toMatch(/start failed: \S+ not ready after 1 s \(START_TIMEOUT_S\)/);
    expect(output).toContain('what to try:');
  }, 360_000);
});
