import { spawn } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, type Caller } from '@saf/auth';
import { SERVICES, envPrefix } from '@saf/config';
import { loadFile } from '@saf/loader';
import { signedFetch, testSecret, type TestDatabase } from '@saf/testing';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CASEWORKER: Caller = { sub: 'cw-654002', role: 'CASEWORKER', region: '654002' };
const HOUSEHOLD = `query OpenHousehold($id: ID!) { household(id: $id) { id members { name } awards { id } } }`;
const PERSON = `query OpenPerson($id: ID!) { person(id: $id) { id name } }`;

type Row = Record<string, unknown>;
/** The log's witnesses: every department's service (the default of AUDIT_WITNESSES). */
const WITNESSES = SERVICES.filter((s) => s.department !== null).map((s) => s.name);
/** Every witness but the first, as audit:verify lists those that hold the same checkpoint. */
const ALSO = 'labour, health, education, housing, justice, disabled-persons-federation';

/**
 * Plain SQL on a service's database as its superuser would run it: over a real connection when the
 * tests use a PostgreSQL server, else on the embedded database. One statement at a time.
 */
function superuser(database: TestDatabase) {
  let client: pg.Client | null = null;
  return {
    async query(text: string): Promise<Row[]> {
      if (database.kind === 'pglite') return ((await database.db.execute(sql.raw(text))) as unknown as { rows: Row[] }).rows;
      if (!client) {
        const url = new URL(process.env.DATABASE_URL!);
        url.pathname = `/${database.location}`;
        client = new pg.Client({ connectionString: url.toString() });
        await client.connect();
      }
      return (await client.query(text)).rows as Row[];
    },
    close: async () => void (await client?.end()),
  };
}

// The chain's fields as the access log hashed them before this change (d2ae19a's hashEntry):
// what an attacker recomputes without the key.
const FIELDS = ['seq', 'at', 'sub', 'role', 'region', 'department', 'purpose', 'operation', 'subjectIds', 'requestId', 'prevHash'] as const;
function entryOf(row: Row): Record<string, unknown> {
  return {
    seq: Number(row.seq), at: row.at, sub: row.sub, role: row.role, region: row.region, department: row.department, purpose: row.purpose,
    operation: row.operation, subjectIds: row.subject_ids, requestId: row.request_id, prevHash: row.prev_hash,
  };
}
const fieldsOf = (entry: Record<string, unknown>) => Object.fromEntries(FIELDS.map((f) => [f, entry[f]]));
/** Plain SHA-256 of the canonical fields: the old, unkeyed way. */
const unkeyed = (row: Row) => createHash('sha256').update(canonicalJson(fieldsOf(entryOf(row))), 'utf8').digest('hex');
/** HMAC-SHA256 under a key the attacker made up, the entry still naming the key it had. */
const WRONG_KEY = Buffer.from('an attacker-chosen key, not the audit service’s one');
const wrongKeyed = (row: Row) => {
  const fields = fieldsOf(entryOf(row));
  return createHmac('sha256', WRONG_KEY).update(canonicalJson('key_id' in row ? { ...fields, keyId: row.key_id } : fields), 'utf8').digest('hex');
};

describe('the access log against a superuser of its database, with the departments as witnesses', () => {
  let system: System;
  let db: ReturnType<typeof superuser>;
  let original: { log: Row[]; head: Row[] };
  const fixture = householdWithEverything(5);

  /** Every witness's service URL and the audit service's, as `npm run audit:verify` reads them. */
  function cliEnv(): NodeJS.ProcessEnv {
    const { SUBGRAPH_SIGNING_SECRET: _m, ...rest } = process.env;
    const env: NodeJS.ProcessEnv = { ...rest, NODE_ENV: 'test' };
    for (const [name, s] of system.subgraphs) env[`${envPrefix(name)}_URL`] = s.url;
    for (const name of system.subgraphs.keys()) delete env[`${envPrefix(name)}_SIGNING_SECRET`];
    return env;
  }
  /** `npm run audit:verify` against the running system. */
  const verify = () =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts'], { cwd: ROOT, env: cliEnv() });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  const log = async () => db.query('SELECT * FROM access_log ORDER BY seq');
  /** With the append-only triggers off, as the table's owner or a superuser can. */
  async function tampered(statements: string[]): Promise<void> {
    await db.query('ALTER TABLE access_log DISABLE TRIGGER ALL');
    await db.query('ALTER TABLE access_log_head DISABLE TRIGGER ALL');
    try {
      for (const s of statements) await db.query(s);
    } finally {
      await db.query('ALTER TABLE access_log ENABLE TRIGGER ALL');
      await db.query('ALTER TABLE access_log_head ENABLE TRIGGER ALL');
    }
  }
  const json = (rows: Row[]) => `$json$${JSON.stringify(rows)}$json$`;
  const restore = () =>
    tampered([
      'DELETE FROM access_log',
      `INSERT INTO access_log SELECT * FROM json_populate_recordset(null::access_log, ${json(original.log)})`,
      'DELETE FROM access_log_head',
      `INSERT INTO access_log_head SELECT * FROM json_populate_recordset(null::access_log_head, ${json(original.head)})`,
    ]);

  /**
   * Deletes entry `gone`, renumbers and re-chains every later entry with `hash`, and moves the
   * head to the new last entry: a rewrite that leaves the log consistent with itself.
   */
  async function deleteAndRechain(gone: number, hash: (row: Row) => string, unkeyedEntries: boolean): Promise<void> {
    const rows = original.log.map((r) => ({ ...r }));
    const kept = rows.filter((r) => Number(r.seq) !== gone);
    for (let i = 0; i < kept.length; i++) {
      const row = kept[i]!;
      if (Number(row.seq) < gone) continue;
      row.seq = i + 1;
      row.prev_hash = kept[i - 1]!.hash;
      if (unkeyedEntries && 'key_id' in row) row.key_id = null;
      row.hash = hash(row);
    }
    const last = kept.at(-1)!;
    await tampered([
      `DELETE FROM access_log WHERE seq >= ${gone}`,
      `INSERT INTO access_log SELECT * FROM json_populate_recordset(null::access_log, ${json(kept.filter((r) => Number(r.seq) >= gone))})`,
      `UPDATE access_log_head SET seq = ${Number(last.seq)}, hash = '${String(last.hash)}'`,
    ]);
  }

  /** Waits (a readiness probe, not an assertion) until every witness holds the log's head. */
  async function witnessed(): Promise<void> {
    const [top] = await db.query('SELECT max(seq) AS seq FROM access_log');
    const head = Number(top!.seq);
    for (let i = 0; i < 100; i++) {
      const held = await Promise.all(
        WITNESSES.map(async (name) => {
          const res = await signedFetch(system.subgraphs.get(name)!.url.replace(/\/graphql$/, '/witness/checkpoints'), testSecret(name), { caller: null, body: '{}' });
          const body = res.status === 200 ? ((await res.json()) as { checkpoints: { seq: number }[] }) : { checkpoints: [] };
          return body.checkpoints.some((c) => c.seq >= head);
        }),
      );
      if (held.every(Boolean)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    // Every write's head goes to the witnesses at once, so the test need not wait for an interval.
    system = await startSystem({ env: { AUDIT_CHECKPOINT_INTERVAL_MS: '0' } });
    expect(await loadFile(await writeNdjson(fixture.records), system.loadOptions)).toMatchObject({ ok: true });
    const read = (query: string, id: string) => system.query(query, { id }, { caller: CASEWORKER, headers: { 'x-purpose': encodeURIComponent('低保复核') } });
    for (const id of [fixture.householdId, fixture.householdId]) expect((await read(HOUSEHOLD, id)).status).toBe(200);
    for (const id of Object.values(fixture.persons)) expect((await read(PERSON, id)).status).toBe(200);
    db = superuser(system.subgraphs.get('audit')!.database);
    original = { log: await log(), head: await db.query('SELECT * FROM access_log_head') };
    expect(original.log.length).toBeGreaterThanOrEqual(6);
    await witnessed();
  });
  afterAll(async () => {
    await db?.close();
    await system?.stop();
  });

  it('reports the untouched log intact, counting every witness’s checkpoints', async () => {
    const run = await verify();
    const n = original.log.length;
    expect(run.stdout).toMatch(new RegExp(`^access log intact: ${n} entries, head ${n} [0-9a-f]{64}; \\d+ witnessed checkpoints of 7 witnesses agree \\(the latest: entry ${n}, [a-z-]+\\)\\n$`));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('detects a deleted entry whose successors were re-hashed the old, unkeyed way and the head moved', async () => {
    const n = original.log.length;
    await deleteAndRechain(3, unkeyed, true);
    try {
      const run = await verify();
      // The chain names the first rewritten entry; every witness names the entry it holds and the log no longer has.
      expect(run.stdout).toMatch(/^access log broken at entry 3: unkeyed\n {2}entry 3: hashed without the key/);
      expect(run.stdout).toMatch(new RegExp(`\\n {2}log truncated: civil-affairs witnessed seq ${n} at \\S+, but the log ends at entry ${n - 1} \\(also witnessed by ${ALSO}\\)\\n`));
      expect(run.code).toBe(1);
    } finally {
      await restore();
    }
  });

  it('detects the same rewrite re-hashed with HMAC under a wrong key', async () => {
    await deleteAndRechain(3, wrongKeyed, false);
    try {
      const run = await verify();
      expect(run.stdout).toMatch(/^access log broken at entry 3: edited\n/);
      expect(run.code).toBe(1);
    } finally {
      await restore();
    }
  });

  it('detects the last entries cut off and the head moved back, through the witnesses', async () => {
    const n = original.log.length;
    const keep = original.log[n - 3]!; // entry n - 2
    await tampered([`DELETE FROM access_log WHERE seq > ${n - 2}`, `UPDATE access_log_head SET seq = ${Number(keep.seq)}, hash = '${String(keep.hash)}'`]);
    try {
      expect(Number((await db.query('SELECT seq FROM access_log_head'))[0]!.seq)).toBe(n - 2);
      const run = await verify();
      // The first entry gone that a witness holds: n - 1 if it was forwarded before n, else n.
      expect(run.stdout).toMatch(new RegExp(`^access log broken at entry (${n - 1}|${n}): truncated\\n`));
      expect(run.stdout).toMatch(new RegExp(`\\n {2}log truncated: civil-affairs witnessed seq ${n} at \\S+, but the log ends at entry ${n - 2} \\(also witnessed by ${ALSO}\\)\\n`));
      expect(run.code).toBe(1);
    } finally {
      await restore();
    }
  });

  it('warns about a witness it cannot reach, and still checks the others', async () => {
    await system.subgraphs.get('justice')!.stop();
    try {
      const run = await verify();
      expect(run.stderr).toMatch(/^warning: witness justice could not be asked \(cannot reach justice at http:\/\/127\.0\.0\.1:\d+/);
      expect(run.stdout).toMatch(/^access log intact: \d+ entries, head \d+ [0-9a-f]{64}; \d+ witnessed checkpoints of 6 witnesses agree/);
      expect(run.code).toBe(0);
    } finally {
      await system.subgraphs.get('justice')!.restart();
    }
  });
});
