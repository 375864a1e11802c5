import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAY, OPERATOR, countersignatureValid, witnessKey, type Caller, type WitnessedCheckpoint } from '@saf/auth';
import { createServer } from '@saf/labour/server';
import { closeServer, createLogger, listen } from '@saf/service';
import { createTestDatabase, signedFetch, testSecret, type TestDatabase, type TestDbMode } from '@saf/testing';

const MIGRATIONS = fileURLToPath(new URL('../../../subgraphs/labour/drizzle', import.meta.url));
const AUDITOR: Caller = { sub: 'auditor-1', role: 'AUDITOR' };
const CASEWORKER: Caller = { sub: 'cw-1', role: 'CASEWORKER', region: '654002' };
const h = (c: string) => c.repeat(64);

describe.each<TestDbMode>(['postgres', 'pglite'])('a department witnessing the access log (%s)', (mode) => {
  let database: TestDatabase;
  let http: import('node:http').Server;
  let base = '';
  const secret = testSecret('labour');
  const post = (path: string, body: unknown, caller: Caller | null = null, from = GATEWAY) => signedFetch(`${base}${path}`, secret, { caller, from, body: JSON.stringify(body) });
  // The operator's audit:verify reads as itself; an auditor's read comes relayed by the gateway.
  const list = async (body: unknown = {}, caller: Caller | null = null) => {
    const res = await post('/witness/checkpoints', body, caller, caller === null ? OPERATOR : GATEWAY);
    return { status: res.status, body: (await res.json()) as { witness: string; checkpoints: WitnessedCheckpoint[] } };
  };

  beforeAll(async () => {
    database = await createTestDatabase('witness', MIGRATIONS, { mode });
    const built = createServer({ database, log: createLogger('labour', 'silent'), signingSecret: secret });
    await built.start();
    http = built.http;
    base = `http://127.0.0.1:${await listen(http, 0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    if (http) await closeServer(http);
    await database?.dispose();
  });

  it('stores the head the gateway hands it, countersigned with its own key, once', async () => {
    const res = await post('/witness/checkpoint', { seq: 7, hash: h('a') });
    expect(res.status).toBe(200);
    const first = (await res.json()) as WitnessedCheckpoint & { witness: string };
    expect(first).toMatchObject({ witness: 'labour', seq: 7, hash: h('a'), at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(countersignatureValid(witnessKey(secret, 'labour'), 'labour', first)).toBe(true);
    // The key is labour's: another service's derivation does not verify it.
    expect(countersignatureValid(witnessKey(testSecret('health'), 'labour'), 'labour', first)).toBe(false);
    // Forwarded again (another gateway process, a retry): the first arrival stands.
    const again = (await (await post('/witness/checkpoint', { seq: 7, hash: h('a') })).json()) as WitnessedCheckpoint;
    expect(again).toEqual(first);
    expect((await list()).body.checkpoints).toEqual([{ seq: 7, hash: h('a'), at: first.at, keyId: witnessKey(secret, 'labour').id, signature: first.signature }]);
  });

  it('keeps a second hash for the same seq beside the first: the disagreement is the evidence', async () => {
    await post('/witness/checkpoint', { seq: 7, hash: h('b') });
    expect((await list()).body.checkpoints.map((c) => [c.seq, c.hash])).toEqual([
      [7, h('a')],
      [7, h('b')],
    ]);
  });

  it('takes checkpoints only from the gateway itself, well-formed', async () => {
    const unsigned = await fetch(`${base}/witness/checkpoint`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ seq: 8, hash: h('c') }) });
    expect(unsigned.status).toBe(401);
    expect((await post('/witness/checkpoint', { seq: 8, hash: h('c') }, CASEWORKER)).status).toBe(403);
    expect((await post('/witness/checkpoint', { seq: 8, hash: h('c') }, AUDITOR)).status).toBe(403);
    // The operator reads checkpoints; only the gateway hands them over.
    expect((await post('/witness/checkpoint', { seq: 8, hash: h('c') }, null, OPERATOR)).status).toBe(403);
    const bad = await post('/witness/checkpoint', { seq: 0, hash: 'not a hash' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errors: [expect.objectContaining({ field: 'seq' }), expect.objectContaining({ field: 'hash' })] });
    expect((await list()).body.checkpoints).toHaveLength(2);
  });

  it('serves its checkpoints to the operator and auditors only, a page at a time in seq order', async () => {
    for (const seq of [3, 12, 9]) await post('/witness/checkpoint', { seq, hash: h('d') });
    expect((await list({}, CASEWORKER)).status).toBe(403);
    expect((await list({}, AUDITOR)).status).toBe(200);
    // The gateway on its own account (no caller) is not the operator: it hands checkpoints over, it does not read them.
    expect((await post('/witness/checkpoints', {}, null, GATEWAY)).status).toBe(403);
    const seen: [number, string][] = [];
    let after: { seq: number; hash: string } | undefined;
    for (;;) {
      const page = (await list({ after, limit: 2 })).body.checkpoints;
      seen.push(...page.map((c): [number, string] => [c.seq, c.hash]));
      if (page.length < 2) break;
      after = { seq: page.at(-1)!.seq, hash: page.at(-1)!.hash };
    }
    // The two hashes of seq 7 straddle a page boundary without either being lost.
    expect(seen).toEqual([
      [3, h('d')],
      [7, h('a')],
      [7, h('b')],
      [9, h('d')],
      [12, h('d')],
    ]);
  });

  it('refuses to change or remove a checkpoint in the database itself', async () => {
    await expect(database.db.execute(sql`UPDATE audit_checkpoints SET seq = 1 WHERE seq = 12`)).rejects.toThrow();
    await expect(database.db.execute(sql`DELETE FROM audit_checkpoints WHERE seq = 12`)).rejects.toThrow();
    await expect(database.db.execute(sql`TRUNCATE audit_checkpoints`)).rejects.toThrow();
    expect((await list()).body.checkpoints).toHaveLength(5);
  });
});
