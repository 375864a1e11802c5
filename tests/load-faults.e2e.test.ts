import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES, envPrefix } from '@saf/config';
import { generate } from '@saf/generator';
import type { InterchangeRecord } from '@saf/interchange';
import { loadFile } from '@saf/loader';
import { signedFetch, testSecret } from '@saf/testing';
import { writeNdjson } from './support/files.ts';
import { eventually, proxy, type Proxy } from './support/faults.ts';
import { startSystem, type System } from './support/system.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEPARTMENTS = SERVICES.filter((s) => s.department);
const HOLD_MS = 3_000;

/** The same file with every award's amount raised by `bump` fen: a new version of every department's data. */
function version(records: InterchangeRecord[], bump: number): InterchangeRecord[] {
  return records.map((r) => (r.type === 'award' ? { ...r, amountFen: r.amountFen + bump } : r));
}

type Snapshot = Record<string, string>;

/** What each department's awards should be after `records` is loaded (id and amount). */
function expected(records: InterchangeRecord[]): Snapshot {
  const out: Snapshot = {};
  for (const s of DEPARTMENTS) {
    const rows = records.filter((r) => r.type === 'award' && r.department === s.department).map((r) => r.type === 'award' && `${r.id}=${r.amountFen}`);
    out[s.name] = rows.sort().join(',');
  }
  return out;
}

type Plan = {
  decide?: (service: string, method: string, path: string) => 'forward' | 'drop' | 'lose-answer';
  answered?: (service: string, method: string, path: string) => void;
};

describe('a load interrupted at any point leaves each department before or after, never half', () => {
  let system: System;
  let plan: Plan = {};
  const proxies = new Map<string, Proxy>();
  const base = [...generate({ households: 300, seed: 'load-faults' })];

  async function snapshot(): Promise<Snapshot> {
    const out: Snapshot = {};
    for (const s of DEPARTMENTS) {
      const { db } = system.subgraphs.get(s.name)!.database;
      const result = (await db.execute(sql`SELECT id, amount_fen FROM awards`)) as unknown as { rows: { id: string; amount_fen: number }[] };
      out[s.name] = result.rows.map((r) => `${r.id}=${Number(r.amount_fen)}`).sort().join(',');
    }
    return out;
  }

  async function staging(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const s of DEPARTMENTS) {
      const { db } = system.subgraphs.get(s.name)!.database;
      const result = (await db.execute(sql`SELECT count(*)::int AS n FROM ingest_staging`)) as unknown as { rows: { n: number }[] };
      out[s.name] = Number(result.rows[0]!.n);
    }
    return out;
  }

  /** Sessions of each department's database inside a transaction and waiting: loads held prepared. */
  async function holding(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const s of DEPARTMENTS) {
      const { db, kind } = system.subgraphs.get(s.name)!.database;
      if (kind !== 'postgres') continue;
      const result = (await db.execute(sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'`)) as unknown as { rows: { n: number }[] };
      out[s.name] = Number(result.rows[0]!.n);
    }
    return out;
  }

  /** `npm run load` as its own process, through the proxies; resolves with how it ended. */
  function runLoader(file: string): { child: ChildProcess; ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', LOG_LEVEL: 'silent' };
    for (const s of DEPARTMENTS) env[`${envPrefix(s.name)}_URL`] = proxies.get(s.name)!.url;
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/load.ts', file], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout!.resume();
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
    return { child, ended };
  }

  beforeAll(async () => {
    // A load the loader prepared and then abandoned (killed) holds its rows this long.
    system = await startSystem({ ingestHoldMs: HOLD_MS });
    for (const s of DEPARTMENTS) {
      const p = await proxy(system.subgraphs.get(s.name)!.url, {
        decide: (method, path) => plan.decide?.(s.name, method, path) ?? 'forward',
        answered: (method, path) => plan.answered?.(s.name, method, path),
      });
      proxies.set(s.name, p);
    }
    expect(await loadFile(await writeNdjson(base), system.loadOptions)).toMatchObject({ ok: true });
    expect(await snapshot()).toEqual(expected(base));
  });

  afterAll(async () => {
    for (const p of proxies.values()) await p.close();
    await system?.stop();
  });

  it('killed while staging: nothing changed; a re-run completes and clears the abandoned staging', async () => {
    const before = expected(base);
    const next = version(base, 100);
    const file = await writeNdjson(next);
    let loader: ChildProcess | undefined;
    plan = {
      answered: (_s, method, path) => {
        if (method === 'POST' && path.endsWith('/records')) loader?.kill('SIGKILL');
      },
    };
    const run = runLoader(file);
    loader = run.child;
    expect((await run.ended).signal).toBe('SIGKILL');
    plan = {};
    expect(await snapshot()).toEqual(before);
    // Stage requests the loader sent to other departments before it died may still be finishing
    // in those services: wait until the staged rows stop changing before making them old.
    let left = await staging();
    await eventually(async () => {
      await new Promise((r) => setTimeout(r, 300));
      const now = await staging();
      const settled = JSON.stringify(now) === JSON.stringify(left);
      left = now;
      if (!settled) throw new Error('staging still changing');
    });
    expect(Object.values(left).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    // A day later nobody will commit that load: the next commit clears it.
    for (const s of DEPARTMENTS) await system.subgraphs.get(s.name)!.database.db.execute(sql`UPDATE ingest_staging SET staged_at = now() - interval '2 days'`);
    const again = await runLoader(file).ended;
    expect(again.code, again.stderr).toBe(0);
    expect(await snapshot()).toEqual(expected(next));
    expect(Object.values(await staging()).every((n) => n === 0)).toBe(true);
  });

  it("killed between two departments' commits: civil affairs is after, the others before; a re-run completes", async () => {
    const before = expected(version(base, 100));
    const next = version(base, 200);
    const file = await writeNdjson(next);
    let loader: ChildProcess | undefined;
    plan = {
      decide: (service, method, path) => {
        // The other departments commit at once after civil affairs: the loader dies as the first
        // of their commits leaves, and none of them (sent in the same instant) gets through.
        if (service !== 'civil-affairs' && method === 'POST' && path.endsWith('/commit')) {
          loader?.kill('SIGKILL');
          return 'drop';
        }
        return 'forward';
      },
    };
    const run = runLoader(file);
    loader = run.child;
    expect((await run.ended).signal).toBe('SIGKILL');
    plan = {};
    // On a PostgreSQL server the others had applied the load already, in transactions held for
    // their commits (prepare): none of it shows.
    const held = await holding();
    for (const [name, n] of Object.entries(held)) expect(n, name).toBeGreaterThanOrEqual(name === 'civil-affairs' ? 0 : 1);
    const now = await snapshot();
    const after = expected(next);
    expect(now['civil-affairs']).toBe(after['civil-affairs']);
    for (const s of DEPARTMENTS.filter((d) => d.name !== 'civil-affairs')) expect(now[s.name], s.name).toBe(before[s.name]);

    // The re-run waits for the abandoned holds to roll back (HOLD_MS), then applies its own.
    const again = await runLoader(file).ended;
    expect(again.code, again.stderr).toBe(0);
    expect(await snapshot()).toEqual(after);
    expect(Object.values(await holding()).every((n) => n === 0)).toBe(true);
  });

  it('killed while a commit is in flight: that department is wholly before or wholly after', async () => {
    const before = expected(version(base, 200));
    const next = version(base, 300);
    const after = expected(next);
    const file = await writeNdjson(next);
    let loader: ChildProcess | undefined;
    let committed!: () => void;
    const answered = new Promise<void>((r) => (committed = r));
    plan = {
      decide: (service, method, path) => {
        // The loader dies the moment its commit leaves; the service carries on with the transaction.
        if (service === 'civil-affairs' && method === 'POST' && path.endsWith('/commit')) loader?.kill('SIGKILL');
        return 'forward';
      },
      answered: (service, method, path) => {
        if (service === 'civil-affairs' && method === 'POST' && path.endsWith('/commit')) committed();
      },
    };
    const run = runLoader(file);
    loader = run.child;
    expect((await run.ended).signal).toBe('SIGKILL');
    await answered;
    plan = {};
    const now = await snapshot();
    expect([before['civil-affairs'], after['civil-affairs']]).toContain(now['civil-affairs']);
    for (const s of DEPARTMENTS.filter((d) => d.name !== 'civil-affairs')) expect(now[s.name], s.name).toBe(before[s.name]);

    const again = await runLoader(file).ended;
    expect(again.code, again.stderr).toBe(0);
    expect(await snapshot()).toEqual(after);
  });

  it('commits civil affairs first while the others prepare theirs, then commits the others at once', async () => {
    const next = version(base, 300);
    const events: string[] = [];
    const step = (path: string) => (path.endsWith('/commit') ? 'commit' : path.endsWith('/prepare') ? 'prepare' : null);
    plan = {
      decide: (service, method, path) => {
        if (method === 'POST' && step(path)) events.push(`ask ${step(path)} ${service}`);
        return 'forward';
      },
      answered: (service, method, path) => {
        if (method === 'POST' && step(path)) events.push(`done ${step(path)} ${service}`);
      },
    };
    const run = await runLoader(await writeNdjson(next)).ended;
    plan = {};
    expect(run.code, run.stderr).toBe(0);
    const at = (event: string) => {
      expect(events).toContain(event);
      return events.indexOf(event);
    };
    const others = DEPARTMENTS.filter((d) => d.name !== 'civil-affairs').map((d) => d.name);
    expect(events.filter((e) => e.endsWith('civil-affairs'))).toEqual(['ask commit civil-affairs', 'done commit civil-affairs']);
    for (const name of others) {
      // Asked to prepare together with civil affairs' commit, not after it.
      expect(at(`ask prepare ${name}`), name).toBeLessThan(at(`ask commit ${others[0]}`));
      expect(at(`ask prepare ${name}`), name).toBeLessThan(at(`done prepare ${name}`));
      // Committed only once civil affairs has, and once its own prepare answered.
      expect(at(`ask commit ${name}`), name).toBeGreaterThan(at('done commit civil-affairs'));
      expect(at(`ask commit ${name}`), name).toBeGreaterThan(at(`done prepare ${name}`));
    }
    // At once: more than one department was asked to commit before the first of them answered.
    const commits = events.slice(at('done commit civil-affairs') + 1).filter((e) => e.includes(' commit '));
    expect(commits.findIndex((e) => e.startsWith('done'))).toBeGreaterThan(1);
    expect(await snapshot()).toEqual(expected(next));
    expect(Object.values(await holding()).every((n) => n === 0)).toBe(true);
  });

  it("civil affairs' commit failing: the others' prepared loads roll back and their staging goes; a re-run completes", async () => {
    const before = await snapshot();
    // Earlier tests' abandoned loads are still staged (for a day): this one must add nothing.
    const stagedBefore = await staging();
    const next = version(base, 350);
    const file = await writeNdjson(next);
    plan = {
      // Every attempt at civil affairs' commit is cut off before it reaches the service.
      decide: (service, method, path) => (service === 'civil-affairs' && method === 'POST' && path.endsWith('/commit') ? 'drop' : 'forward'),
    };
    const run = await runLoader(file).ended;
    plan = {};
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('cannot reach');
    expect(await snapshot()).toEqual(before);
    const left = await staging();
    for (const s of DEPARTMENTS.filter((d) => d.name !== 'civil-affairs')) expect(left[s.name], s.name).toBe(stagedBefore[s.name]);
    // Rolled back at once, not left to the hold's timeout.
    expect(Object.values(await holding()).every((n) => n === 0)).toBe(true);

    const again = await runLoader(file).ended;
    expect(again.code, again.stderr).toBe(0);
    expect(await snapshot()).toEqual(expected(next));
  });

  it('a commit whose answer was lost is retried by the loader, and the load completes', async () => {
    const next = version(base, 400);
    let lost = 0;
    plan = {
      decide: (service, method, path) => {
        if (service === 'labour' && method === 'POST' && path.endsWith('/commit') && lost++ === 0) return 'lose-answer';
        return 'forward';
      },
    };
    const run = await runLoader(await writeNdjson(next)).ended;
    plan = {};
    expect(run.code, run.stderr).toBe(0);
    expect(lost).toBe(2);
    expect(await snapshot()).toEqual(expected(next));
  });

  it('the commit endpoint called twice, even at once, applies the load once', async () => {
    const justice = system.subgraphs.get('justice')!;
    const ingest = justice.url.replace(/\/graphql$/, '/ingest');
    const secret = testSecret('justice');
    const awards = version(base, 500).filter((r) => r.type === 'award' && r.department === 'JUSTICE');
    const loadId = `twice-${Date.now()}`;
    const staged = await signedFetch(`${ingest}/${loadId}/records`, secret, { from: 'loader', caller: null, body: JSON.stringify({ records: awards.map((record, i) => ({ line: i + 1, record })) }) });
    expect(staged.status).toBe(200);
    const commit = () => signedFetch(`${ingest}/${loadId}/commit`, secret, { from: 'loader', caller: null, body: '{}' }).then(async (r) => ({ status: r.status, ...((await r.json()) as { counts: { award: number } }) }));
    const [a, b] = await Promise.all([commit(), commit()]);
    expect([a.status, b.status]).toEqual([200, 200]);
    // One of them wrote every changed row; the other found the load already applied.
    expect([a.counts.award, b.counts.award].sort((x, y) => x - y)).toEqual([0, awards.length]);
    const third = await commit();
    expect(third).toMatchObject({ status: 200, counts: { award: 0 } });
    expect((await snapshot()).justice).toBe(expected(version(base, 500)).justice);
  });
});
