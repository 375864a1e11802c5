import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR, chainKeyring, unkeyedHash, type AuditFields, type Caller } from '@saf/auth';
import { makeResidentId } from '@saf/identity';
import { createServer as createLabour } from '@saf/labour/server';
import { signedFetch, startSubgraph, type StartedSubgraph } from '@saf/testing';
import { AuditWriter } from '../src/writer.ts';
import { createServer } from '../src/server.ts';
import { auditVerify } from '../../../scripts/auditVerify.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The key the service uses when none is configured (not production): the development key. */
const KEY = chainKeyring({}, 'test').current;
const AUDITOR: Caller = { sub: 'auditor-1', role: 'AUDITOR' };
const CASEWORKER: Caller = { sub: 'cw-1', role: 'CASEWORKER', region: '654002' };
const [A, B, C] = [1, 2, 3].map((i) => makeResidentId('654002', '1990-03-15', i)) as [string, string, string];

const ACCESS_LOG = `query ($id: ID!, $first: Int, $after: String) {
  accessLog(personId: $id, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { seq at sub role region department purpose operation subjectIds requestId prevHash hash } }
  }
}`;

let n = 0;
function entry(subjectIds: string[], extra: Partial<AuditFields> = {}): AuditFields {
  n += 1;
  return { at: new Date(Date.UTC(2024, 4, 1, 8, 0, n)).toISOString(), sub: 'cw-1', role: 'CASEWORKER', region: '654002', department: null, purpose: '低保复核 review', operation: 'HouseholdView', subjectIds, requestId: `req-${n}`, ...extra };
}

describe('audit subgraph', () => {
  let sg: StartedSubgraph;
  /** A department's service as the log's one witness (AUDIT_WITNESSES=labour in the CLI runs). */
  let labour: StartedSubgraph;
  /** Hands labour the log's head at `seq`, as the gateway does after a write. */
  const witness = async (seq: number) => {
    const res = await signedFetch(`${labour.base}/witness/checkpoint`, labour.secret, { caller: null, body: JSON.stringify({ seq, hash: (await row(seq)).hash }) });
    expect(res.status).toBe(200);
  };
  const post = (path: string, body: unknown, caller: Caller | null = null) => signedFetch(`${sg.base}${path}`, sg.secret, { body: JSON.stringify(body), caller });
  const append = async (...entries: AuditFields[]) => {
    const res = await post('/audit/entries', { entries });
    return { status: res.status, body: (await res.json()) as { appended: number; head: { seq: number; hash: string } } };
  };
  // As `npm run audit:verify` asks: signed operator→audit.
  const verify = async () => (await signedFetch(`${sg.base}/audit/verify`, sg.secret, { from: OPERATOR, caller: null, body: '{}' })).json() as Promise<Record<string, unknown>>;
  const exec = (query: string) => sg.database.db.execute(sql.raw(query));
  const row = async (seq: number) => ((await exec(`SELECT * FROM access_log WHERE seq = ${seq}`)) as unknown as { rows: Record<string, unknown>[] }).rows[0]!;
  /** As the table's owner or a superuser could: with the append-only triggers off. */
  const tamper = async (statements: string[]) => {
    await exec('ALTER TABLE access_log DISABLE TRIGGER ALL');
    try {
      for (const s of statements) await exec(s);
    } finally {
      await exec('ALTER TABLE access_log ENABLE TRIGGER ALL');
    }
  };
  const cli = (env: Record<string, string>) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const { SUBGRAPH_SIGNING_SECRET: _m, AUDIT_SIGNING_SECRET: _a, ...rest } = process.env;
      const child = spawn('npx', ['tsx', 'scripts/audit-verify.ts'], { cwd: ROOT, env: { ...rest, NODE_ENV: 'test', AUDIT_WITNESSES: 'labour', LABOUR_URL: labour.url, ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  beforeAll(async () => {
    sg = await startSubgraph('audit', createServer, new URL('../', import.meta.url));
    labour = await startSubgraph('labour', createLabour, new URL('../../labour/', import.meta.url));
  });
  afterAll(async () => {
    await sg?.stop();
    await labour?.stop();
  });

  it('verifies an empty log', async () => {
    expect(await verify()).toEqual({ ok: true, count: 0, head: null, keyedFrom: null });
  });

  it('appends entries from the gateway, chained from the first', async () => {
    const first = await append(entry([A, 'H654002000001']), entry([B]));
    expect(first).toMatchObject({ status: 200, body: { appended: 2, head: { seq: 2 } } });
    const second = await append(entry([A, C]));
    expect(second.body.head.seq).toBe(3);
    expect((await row(3)).prev_hash).toBe(first.body.head.hash);
    expect(await verify()).toEqual({ ok: true, count: 3, head: second.body.head, keyedFrom: 1 });
    // Keyed with the service's key, whose id each entry records.
    expect((await row(1)).key_id).toBe(KEY.id);
  });

  it('takes entries only from the gateway itself, well-formed', async () => {
    const unsigned = await fetch(`${sg.base}/audit/entries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ entries: [entry([A])] }) });
    expect(unsigned.status).toBe(401);
    expect((await post('/audit/entries', { entries: [entry([A])] }, CASEWORKER)).status).toBe(403);
    const bad = await post('/audit/entries', { entries: [entry([A], { role: 'ROOT' as never })] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [expect.objectContaining({ field: 'entries.0.role' })] });
    expect((await post('/audit/verify', {}, CASEWORKER)).status).toBe(403);
    expect((await verify()).count).toBe(3);
  });

  it('lists an auditor the reads of one person, newest first, a page at a time', async () => {
    const page1 = await sg.query(ACCESS_LOG, { id: A, first: 1 }, AUDITOR);
    expect(page1.errors).toBeUndefined();
    const log = page1.data!.accessLog;
    expect(log.totalCount).toBe(2);
    expect(log.edges.map((e: { node: { seq: number } }) => e.node.seq)).toEqual([3]);
    expect(log.edges[0].node).toMatchObject({ sub: 'cw-1', role: 'CASEWORKER', region: '654002', department: null, purpose: '低保复核 review', operation: 'HouseholdView', subjectIds: [A, C] });
    expect(log.pageInfo.hasNextPage).toBe(true);
    const page2 = await sg.query(ACCESS_LOG, { id: A, first: 1, after: log.pageInfo.endCursor }, AUDITOR);
    expect(page2.data!.accessLog.edges.map((e: { node: { seq: number; subjectIds: string[] } }) => [e.node.seq, e.node.subjectIds])).toEqual([[1, [A, 'H654002000001']]]);
    expect(page2.data!.accessLog.pageInfo).toEqual({ hasNextPage: false, endCursor: expect.any(String) });
    const household = await sg.query(ACCESS_LOG, { id: 'H654002000001' }, AUDITOR);
    expect(household.data!.accessLog.edges.map((e: { node: { seq: number } }) => e.node.seq)).toEqual([1]);
    const nobody = await sg.query(ACCESS_LOG, { id: makeResidentId('654002', '1990-03-15', 9) }, AUDITOR);
    expect(nobody.data!.accessLog).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
  });

  it('refuses the log to anyone but an auditor', async () => {
    for (const caller of [CASEWORKER, { sub: 'c', role: 'COORDINATOR' } as Caller, { sub: 'a', role: 'ANALYST' } as Caller, null]) {
      const res = await sg.query(ACCESS_LOG, { id: A }, caller);
      expect(res.data ?? null).toBeNull();
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(JSON.stringify(res)).not.toContain('cw-1');
    }
  });

  it('keeps the chain unbroken under 50 parallel appends', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => append(entry([i % 2 ? A : B], { requestId: `parallel-${i}` }))));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(new Set(results.map((r) => r.body.head.seq)).size).toBe(50);
    expect(Math.max(...results.map((r) => r.body.head.seq))).toBe(53);
    expect(await verify()).toMatchObject({ ok: true, count: 53, head: { seq: 53 } });
  });

  it('serialises writers in other processes sharing the database (advisory lock)', async () => {
    // A second writer on the same database stands for a replica: its own queue, the same table.
    const replica = new AuditWriter(sg.database.db, KEY);
    await Promise.all([...Array.from({ length: 10 }, () => replica.append([entry([C])])), ...Array.from({ length: 10 }, () => append(entry([C])))]);
    expect(await verify()).toMatchObject({ ok: true, count: 73 });
  });

  it('takes the next append the moment the last one is committed (a caller appending in a loop)', async () => {
    const writer = new AuditWriter(sg.database.db, KEY);
    const loop = (async () => {
      for (let i = 0; i < 5; i++) await writer.append([entry([C])]);
    })();
    const stuck = new Promise((_, reject) => setTimeout(() => reject(new Error('an append was never written')), 5000).unref());
    await Promise.race([loop, stuck]);
    await writer.idle();
    expect(await verify()).toMatchObject({ ok: true, count: 78 });
  });

  it('appends from the head it left without the locked transaction, and from the stored head once another writer moved it', async () => {
    let transactions = 0;
    const db = sg.database.db;
    const counted = new Proxy(db, {
      get: (target, key, receiver) => (key === 'transaction' ? (...args: Parameters<typeof db.transaction>) => (transactions++, target.transaction(...args)) : Reflect.get(target, key, receiver)),
    });
    const writer = new AuditWriter(counted, KEY);
    const replica = new AuditWriter(db, KEY);
    const seqs = async (w: AuditWriter) => (await w.append([entry([C])])).map((e) => e.seq);
    expect(await seqs(writer)).toEqual([79]); // the head unknown: read under the lock
    expect(await seqs(writer)).toEqual([80]);
    expect(transactions).toBe(1);
    expect(await seqs(replica)).toEqual([81]);
    // Chained from 80, refused by the trigger without a trace, then appended from the stored head.
    expect(await seqs(writer)).toEqual([82]);
    expect(transactions).toBe(2);
    expect(await seqs(writer)).toEqual([83]);
    expect(transactions).toBe(2);
    expect(await verify()).toMatchObject({ ok: true, count: 83, head: { seq: 83 } });
  });

  it('reports an intact log on the command line, with the checkpoints its witness holds', async () => {
    await witness(40);
    await witness(83);
    const run = await cli({ AUDIT_URL: sg.url });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^access log intact: 83 entries, head 83 [0-9a-f]{64}; 2 witnessed checkpoints of 1 witness agree \(the latest: entry 83, labour\)\n$/);
    expect(run.code).toBe(0);
  }, 60_000);

  it('cannot check without a witness that answers, and says so', async () => {
    const run = await cli({ AUDIT_URL: sg.url, LABOUR_URL: 'http://127.0.0.1:1/graphql' });
    expect(run.stdout).toMatch(/^access log intact: 83 entries/);
    expect(run.stderr).toMatch(/^warning: witness labour could not be asked \(cannot reach labour at http:\/\/127\.0\.0\.1:1/);
    expect(run.stderr).toMatch(/cannot check the log against its witnesses: none of labour answered/);
    expect(run.code).toBe(2);
  }, 60_000);

  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    await expect(exec(`UPDATE access_log SET purpose = 'nothing to see' WHERE seq = 5`)).rejects.toThrow();
    await expect(exec('DELETE FROM access_log WHERE seq = 5')).rejects.toThrow();
    await expect(exec('TRUNCATE access_log')).rejects.toThrow();
    await expect(exec('UPDATE access_log_head SET seq = 1')).rejects.toThrow();
    const refusal = await exec('DELETE FROM access_log WHERE seq = 5').catch((err: Error & { cause?: Error }) => err.cause?.message ?? err.message);
    expect(refusal).toMatch(/append-only/);
    expect((await row(5)).purpose).toBe('低保复核 review');
    expect(await verify()).toMatchObject({ ok: true, count: 83 });
  });

  it('detects an entry edited behind the triggers’ back, and one edited and re-hashed without the key', async () => {
    await tamper([`UPDATE access_log SET purpose = 'nothing to see' WHERE seq = 5`]);
    expect(await verify()).toMatchObject({ ok: false, seq: 5, reason: 'edited' });
    const edited = await row(5);
    // The old unkeyed algorithm is anyone's: the entry, still naming the key, no longer matches it,
    // and passed off as an entry from before the chain was keyed it comes after keyed ones.
    const rehashed = unkeyedHash({
      seq: 5, at: edited.at as string, sub: edited.sub as string, role: 'CASEWORKER', region: edited.region as string, department: null,
      purpose: 'nothing to see', operation: edited.operation as string, subjectIds: edited.subject_ids as string[], requestId: edited.request_id as string, keyId: null, prevHash: edited.prev_hash as string,
    });
    await tamper([`UPDATE access_log SET hash = '${rehashed}' WHERE seq = 5`]);
    expect(await verify()).toMatchObject({ ok: false, seq: 5, reason: 'edited' });
    await tamper([`UPDATE access_log SET key_id = NULL WHERE seq = 5`]);
    expect(await verify()).toMatchObject({ ok: false, seq: 5, reason: 'unkeyed' });
  });

  it('detects a deleted entry, and a tail cut off (through the head), on the command line too', async () => {
    await tamper(['DELETE FROM access_log WHERE seq = 5']);
    expect(await verify()).toMatchObject({ ok: false, seq: 6, reason: 'missing' });
    const broken = await cli({ AUDIT_URL: sg.url });
    expect(broken.stdout).toMatch(/^access log broken at entry 6: missing\n/);
    expect(broken.code).toBe(1);

    // Cut the log down to its intact first four entries: the chain alone looks fine, the head does not.
    await tamper(['DELETE FROM access_log WHERE seq > 4']);
    expect(await verify()).toEqual({ ok: false, seq: 5, reason: 'truncated', message: expect.stringContaining('entries 5 to 83 are missing') });

    // The head moved back too (it is in the same database): the log agrees with itself, not with its witness.
    await exec('ALTER TABLE access_log_head DISABLE TRIGGER ALL');
    await exec(`UPDATE access_log_head SET seq = 4, hash = '${(await row(4)).hash}'`);
    await exec('ALTER TABLE access_log_head ENABLE TRIGGER ALL');
    expect(await verify()).toMatchObject({ ok: true, count: 4 });
    const cut = await cli({ AUDIT_URL: sg.url });
    expect(cut.stdout).toMatch(/^access log broken at entry 40: truncated\n  log truncated: labour witnessed seq 40 at \S+, but the log ends at entry 4\n  log truncated: labour witnessed seq 83 /);
    expect(cut.code).toBe(1);
  }, 60_000);
});

describe('a log written before the chain was keyed', () => {
  let sg: StartedSubgraph;
  let labour: StartedSubgraph;
  const exec = (query: string) => sg.database.db.execute(sql.raw(query));
  const rows = async (query: string) => ((await exec(query)) as unknown as { rows: Record<string, unknown>[] }).rows;
  const verify = async () => (await signedFetch(`${sg.base}/audit/verify`, sg.secret, { from: OPERATOR, caller: null, body: '{}' })).json() as Promise<Record<string, unknown>>;
  const env = () => ({ NODE_ENV: 'test', AUDIT_URL: sg.url, AUDIT_WITNESSES: 'labour', LABOUR_URL: labour.url });

  beforeAll(async () => {
    sg = await startSubgraph('audit', createServer, new URL('../', import.meta.url));
    labour = await startSubgraph('labour', createLabour, new URL('../../labour/', import.meta.url));
    // Three entries as the service wrote them before this change: plain SHA-256, no key id.
    let prevHash = '0'.repeat(64);
    for (let seq = 1; seq <= 3; seq++) {
      const fields = entry([`H65400200000${seq}`]);
      const hash = unkeyedHash({ ...fields, seq, keyId: null, prevHash });
      await exec(
        `INSERT INTO access_log (seq, at, sub, role, region, department, purpose, operation, subject_ids, request_id, key_id, prev_hash, hash)
         VALUES (${seq}, '${fields.at}', '${fields.sub}', '${fields.role}', '${fields.region}', NULL, '${fields.purpose}', '${fields.operation}', ARRAY['${fields.subjectIds[0]}'], '${fields.requestId}', NULL, '${prevHash}', '${hash}')`,
      );
      prevHash = hash;
    }
  });
  afterAll(async () => {
    await sg?.stop();
    await labour?.stop();
  });

  it('keeps checking the old entries with SHA-256, the keyed chain starting at the next entry written', async () => {
    expect(await verify()).toMatchObject({ ok: true, count: 3, keyedFrom: null });
    const res = await signedFetch(`${sg.base}/audit/entries`, sg.secret, { caller: null, body: JSON.stringify({ entries: [entry([A]), entry([B])] }) });
    const { head } = (await res.json()) as { head: { seq: number; hash: string } };
    expect(head.seq).toBe(5);
    expect((await rows('SELECT seq, key_id FROM access_log ORDER BY seq')).map((r) => r.key_id)).toEqual([null, null, null, KEY.id, KEY.id]);
    expect(await verify()).toEqual({ ok: true, count: 5, head, keyedFrom: 4 });
    await signedFetch(`${labour.base}/witness/checkpoint`, labour.secret, { caller: null, body: JSON.stringify(head) });
    const run = await auditVerify(env());
    expect(run).toEqual({
      code: 0,
      out: `access log intact: 5 entries, head 5 ${head.hash}; 1 witnessed checkpoint of 1 witness agrees (the latest: entry 5, labour)\n  entries 1 to 3 were written before the chain was keyed (plain SHA-256); entry 4, keyed, seals them\n`,
      err: '',
    });
  });

  it('still shows an old entry edited and re-hashed: the first keyed entry no longer links to it', async () => {
    const [old] = await rows('SELECT * FROM access_log WHERE seq = 2');
    const hash = unkeyedHash({
      seq: 2, at: old!.at as string, sub: old!.sub as string, role: 'CASEWORKER', region: old!.region as string, department: null, purpose: 'nothing to see',
      operation: old!.operation as string, subjectIds: old!.subject_ids as string[], requestId: old!.request_id as string, keyId: null, prevHash: old!.prev_hash as string,
    });
    const third = (await rows('SELECT * FROM access_log WHERE seq = 3'))[0]!;
    const thirdHash = unkeyedHash({
      seq: 3, at: third.at as string, sub: third.sub as string, role: 'CASEWORKER', region: third.region as string, department: null, purpose: third.purpose as string,
      operation: third.operation as string, subjectIds: third.subject_ids as string[], requestId: third.request_id as string, keyId: null, prevHash: hash,
    });
    await exec('ALTER TABLE access_log DISABLE TRIGGER ALL');
    await exec(`UPDATE access_log SET purpose = 'nothing to see', hash = '${hash}' WHERE seq = 2`);
    await exec(`UPDATE access_log SET prev_hash = '${hash}', hash = '${thirdHash}' WHERE seq = 3`);
    await exec('ALTER TABLE access_log ENABLE TRIGGER ALL');
    expect(await verify()).toMatchObject({ ok: false, seq: 4, reason: 'broken_link' });
    const run = await auditVerify(env());
    expect(run.out).toMatch(/^access log broken at entry 4: broken_link\n/);
    expect(run.code).toBe(1);
  });
});
