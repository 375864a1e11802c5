import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findPurpose, type AuditFields, type Caller } from '@saf/auth';
import { createLogger, personLevelRules, sharingSDL } from '@saf/service';
import { AuditRefused, createAuditPlugin, createEntryWriter } from '../src/audit.ts';
import type { GatewayContext } from '../src/context.ts';

const CASEWORKER: Caller = { sub: 'cw-1', role: 'CASEWORKER', region: '654002' };
const PER_ENTRY = 4;

/**
 * A stand-in for the audit service that refuses what the real one does: more than PER_ENTRY ids
 * in an entry (400, as its schema does at 10,000), an id over 200 characters or an operation over
 * 1,000 (400), and any U+0000 (500, as PostgreSQL does).
 * It answers after a short wait, so the reads arriving meanwhile share the next write.
 */
describe('every read in the access log, and one bad entry failing only its own read', () => {
  let audit: http.Server;
  let apollo: ApolloServer<GatewayContext>;
  const written: Record<string, unknown>[] = [];
  let calls = 0;

  beforeAll(async () => {
    audit = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        calls++;
        const { entries } = JSON.parse(text) as { entries: { subjectIds: string[]; operation: string }[] };
        const invalid = entries.some((e) => e.subjectIds.length > PER_ENTRY || e.subjectIds.some((id) => id.length > 200) || e.operation.length > 1000);
        setTimeout(() => {
          const status = text.includes('\\u0000') ? 500 : invalid ? 400 : 200;
          if (status === 200) written.push(...entries);
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(status === 200 ? JSON.stringify({ appended: entries.length }) : '{"error":"refused"}');
        }, 20);
      });
    });
    await new Promise<void>((r) => audit.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(audit.address() as AddressInfo).port}`;
    const sdl = 'type Query { households(ids: [ID!]!): [Household]! @sharing(class: CONDITIONAL, sensitivity: HIGH) } type Household @sharing(class: CONDITIONAL, sensitivity: HIGH) { id: ID! regionCode: String }';
    const schema = buildSchema(`${sdl}\n${sharingSDL}`);
    const rules = personLevelRules(sdl);
    schema.getQueryType()!.getFields().households!.resolve = (_: unknown, { ids }: { ids: string[] }) => ids.map((id) => ({ id, regionCode: '654002' }));
    apollo = new ApolloServer<GatewayContext>({
      schema,
      plugins: [createAuditPlugin({ auditUrl: () => `${base}/graphql`, sign: () => ({}), log: createLogger('gateway', 'silent'), maxSubjects: PER_ENTRY, rules: () => rules })],
    });
    await apollo.start();
  });
  afterAll(async () => {
    await apollo?.stop();
    await new Promise((r) => audit?.close(r));
  });
  beforeEach(() => {
    written.length = 0;
    calls = 0;
  });

  async function read(ids: string[], requestId: string, name = 'Look') {
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: { query: `query ${name}($ids: [ID!]!) { households(ids: $ids) { regionCode } }`, variables: { ids } } },
      context: async () => ({ requestId, purpose: findPurpose('MINIMUM_LIVING_RECHECK')!, caller: CASEWORKER, internal: false }),
    });
    return response.status ?? 200;
  }

  it('names every id a read returned, in as many entries as it takes', async () => {
    const ids = Array.from({ length: 11 }, (_, i) => `H${String(i).padStart(2, '0')}`);
    expect(await read(ids, 'big')).toBe(200);
    const entries = written.filter((e) => e.requestId === 'big') as unknown as AuditFields[];
    expect(entries.flatMap((e) => e.subjectIds).sort()).toEqual(ids);
    expect(entries.every((e) => e.subjectIds.length <= PER_ENTRY)).toBe(true);
    expect(entries.map((e) => e.operation).sort()).toEqual(['Look (part 1 of 3)', 'Look (part 2 of 3)', 'Look (part 3 of 3)']);
  });

  it('logs an id or an operation name longer than the log stores cut short, rather than failing the read', async () => {
    const long = `H${'x'.repeat(300)}`;
    expect(await read([long, 'H1'], 'long', `Look${'x'.repeat(2000)}`)).toBe(200);
    const [entry] = written.filter((e) => e.requestId === 'long') as unknown as AuditFields[];
    expect(entry!.subjectIds).toEqual(['H1', `${long.slice(0, 199)}…`].sort());
    expect(entry!.operation).toHaveLength(1000 - 24);
    expect(entry!.operation.endsWith('…')).toBe(true);
  });

  it('withholds only the read whose entry the log refuses, not the reads written with it', async () => {
    const good = Array.from({ length: 10 }, (_, i) => `good-${i}`);
    const statuses = await Promise.all([
      read(['H-first'], 'first'), // written alone; the others queue behind it and go together
      ...good.slice(0, 5).map((id) => read([`H-${id}`], id)),
      read(['H\u0000x'], 'bad'),
      ...good.slice(5).map((id) => read([`H-${id}`], id)),
    ]);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 503, 200, 200, 200, 200, 200]);
    expect(written.map((e) => e.requestId).sort()).toEqual(['first', ...good].sort());
  });
});

describe('the entry writer, when the audit service refuses', () => {
  const fields = (n: number): AuditFields => ({ at: '2025-01-01T00:00:00Z', sub: 's', role: 'CASEWORKER', region: null, department: null, purpose: 'p', operation: 'o', subjectIds: [`H${n}`], requestId: `r${n}` });

  it('spends only a few writes finding bad entries, then gives up on the rest', async () => {
    let writes = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const record = createEntryWriter(async () => {
      writes++;
      await gate;
      throw new AuditRefused('refused');
    });
    const results = Array.from({ length: 65 }, (_, i) => record(fields(i)).then(() => 'ok', () => 'failed'));
    release();
    expect(new Set(await Promise.all(results))).toEqual(new Set(['failed']));
    // One write for the first entry, one for the other 64 and at most 4 × log2(64) halves.
    expect(writes).toBeLessThanOrEqual(2 + 24);
  });

  it('fails a group at once when the service did not answer at all', async () => {
    let writes = 0;
    const record = createEntryWriter(async () => {
      writes++;
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('connect ECONNREFUSED');
    });
    const results = await Promise.all(Array.from({ length: 9 }, (_, i) => record(fields(i)).then(() => 'ok', () => 'failed')));
    expect(results.every((r) => r === 'failed')).toBe(true);
    expect(writes).toBe(2);
  });
});
