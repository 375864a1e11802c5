import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { buildSchema, parse, print } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeResidentId } from '@saf/identity';
import { createLogger, personLevelRules, sharingSDL } from '@saf/service';
import { findPurpose, type Caller } from '@saf/auth';
import { apiSchemaOf } from '../../scripts/schemaChanges.ts';
import { collectSubjects, createAuditPlugin, isPersonLevel } from '../src/audit.ts';
import { selectSubjectIds, stripAlias } from '../src/auditSelection.ts';
import { startsPersonLevelWork } from '../src/personLevel.ts';
import { SWEEP_BATCH } from '../../subgraphs/coordination/src/queries.ts';
import type { GatewayContext } from '../src/context.ts';
import { accessLogWait, accessLogWithheld, accessLogWrites } from '../src/metrics.ts';

// The owners' marks (packages/service/src/schema.ts): what the access log counts as person-level.
const HIGH = '@sharing(class: CONDITIONAL, sensitivity: HIGH)';
const LOW = '@sharing(class: UNCONDITIONAL, sensitivity: LOW)';
const marked = `
  type Query {
    household(id: ID!): Household ${HIGH}
    households(ids: [ID!]!): [Household]! ${HIGH}
    person(id: ID!): Person ${HIGH}
    searchHouseholds(regionCode: String!, text: String!): [Household!]! ${HIGH}
    checkProposedAward(award: ProposedAwardInput!): [DuplicateAidFinding!]! ${HIGH}
    accessLog(personId: ID!): [AccessLogEntry!]! ${HIGH}
    assistanceStatistics(regionCode: String!): [ProgrammeStatistics!]! ${LOW}
    duplicateAidFindings(regionCode: String!): FindingConnection! ${HIGH}
    node(id: ID!): Node ${HIGH}
    note(text: String!): String ${LOW}
  }
  input ProposedAwardInput { personId: ID! programme: String! }
  interface Node { id: ID! }
  type Household implements Node { id: ID! ${HIGH} regionCode: String! ${LOW} members: [Person!]! ${HIGH} awards: [AidAward!]! ${HIGH} }
  type Person implements Node { id: ID! ${HIGH} name: String ${HIGH} household: Household ${HIGH} labourAwards: [LabourAward!]! ${HIGH} }
  type Office implements Node ${LOW} { id: ID! name: String }
  type AidAward ${HIGH} { id: ID! personId: ID! householdId: ID }
  type LabourAward ${HIGH} { id: ID! personId: ID! householdId: ID amountFen: Int! }
  type DuplicateAidFinding ${HIGH} { id: ID! personIds: [ID!]! householdId: ID }
  type FindingConnection ${LOW} { totalCount: Int! nodes: [DuplicateAidFinding!]! ${HIGH} }
  type AccessLogEntry ${HIGH} { seq: Int! subjectIds: [ID!]! }
  type ProgrammeStatistics ${LOW} { programme: String! beneficiaries: Int }
`;
const schema = buildSchema(`${marked}\n${sharingSDL}`);
const rules = personLevelRules(marked);
/** The committed supergraph: its API schema, as the gateway serves it, and its owners' marks. */
const supergraph = readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8');
const realRules = personLevelRules(supergraph);

const [P1, P2, P3, P4] = [1, 2, 3, 4].map((i) => makeResidentId('654002', '1990-03-15', i)) as [string, string, string, string];
/** 18 digits whose check character is wrong: not an ID. */
const NOT_AN_ID = `${P1.slice(0, 17)}${P1.endsWith('0') ? '1' : '0'}`;

const personLevel = (query: string, operationName?: string) => isPersonLevel(rules, schema, parse(query), operationName);

describe('which operations read person-level data', () => {
  it('counts any selected field of a person-level type, however deep, through fragments too', () => {
    expect(personLevel('{ household(id: "H1") { regionCode } }')).toBe(true);
    expect(personLevel('{ node(id: "x") { ... on Person { name } } }')).toBe(true);
    expect(personLevel('{ duplicateAidFindings(regionCode: "65") { nodes { id } } }')).toBe(true);
    expect(personLevel('query { ...F } fragment F on Query { person(id: "1") { labourAwards { amountFen } } }')).toBe(true);
  });

  it('counts the root fields that name a person even when nothing person-typed is selected', () => {
    expect(personLevel('{ accessLog(personId: "1") { seq } }')).toBe(true);
    expect(personLevel('{ checkProposedAward(award: { personId: "1", programme: "X" }) { id } }')).toBe(true);
  });

  it('leaves statistics, counts and plain fields alone', () => {
    expect(personLevel('{ assistanceStatistics(regionCode: "65") { programme beneficiaries } }')).toBe(false);
    expect(personLevel('{ duplicateAidFindings(regionCode: "65") { totalCount } }')).toBe(false);
    expect(personLevel('{ note(text: "hi") __typename }')).toBe(false);
  });

  it('judges the operation that runs, not the others in the document', () => {
    const doc = 'query Stats { assistanceStatistics(regionCode: "65") { programme } } query Look { person(id: "1") { name } }';
    expect(personLevel(doc, 'Stats')).toBe(false);
    expect(personLevel(doc, 'Look')).toBe(true);
  });

  it('classifies the real graph (the committed supergraph’s API schema)', () => {
    const api = apiSchemaOf(readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8'));
    const real = (q: string) => isPersonLevel(realRules, api, parse(q));
    expect(real('{ household(id: "H1") { id members { name } } }')).toBe(true);
    expect(real('{ labourAward(id: "L1") { amountFen } }')).toBe(true);
    expect(real('{ accessLog(personId: "1") { totalCount } }')).toBe(true);
    expect(real('{ householdsInRegion(regionCode: "65") { edges { node { id } } } }')).toBe(true);
    expect(real('{ householdsInRegion(regionCode: "65") { totalCount } }')).toBe(false);
    expect(real('{ duplicateAidSweep(id: "s1") { status findingsCount } }')).toBe(false);
  });
});

describe('collectSubjects', () => {
  const collect = (query: string, variables: Record<string, unknown> | null, data: unknown) => collectSubjects(schema, parse(query), variables, data);

  it('finds resident IDs in the variables, the arguments and the data, sorted and once each', () => {
    const subjects = collect(
      'query ($award: ProposedAwardInput!) { checkProposedAward(award: $award) { id personIds } person(id: "' + P4 + '") { name } }',
      { award: { personId: P3, programme: 'X' } },
      { checkProposedAward: [{ id: 'F1', personIds: [P3, P2] }], person: { name: '阿依古丽' } },
    );
    expect(subjects).toEqual([P2, P3, P4].sort());
  });

  it('ignores 18-digit strings whose check character is wrong, and other text', () => {
    expect(collect('query ($t: String!) { note(text: $t) }', { t: NOT_AN_ID }, { note: `${NOT_AN_ID} 654002` })).toEqual([]);
  });

  it('takes person and household ids where a Person or Household stands, under aliases and fragments', () => {
    const query = `query ($ids: [ID!]!) {
      hs: households(ids: $ids) { key: id ...Members }
      p: person(id: "${P1}") { home: household { ... on Household { hid: id } } labourAwards { householdId } }
      n: node(id: "x") { __typename ... on Household { nodeId: id } ... on Person { other: id } }
    }
    fragment Members on Household { members { id name } }`;
    const data = {
      hs: [{ key: 'H1', members: [{ id: P2, name: 'a' }] }, null],
      p: { home: { hid: 'H2' }, labourAwards: [{ householdId: 'H3' }] },
      n: { __typename: 'Household', nodeId: 'H4' },
    };
    expect(collect(query, { ids: ['H1', 'H9'] }, data)).toEqual(['H1', 'H2', 'H3', 'H4', 'H9', P1, P2].sort());
  });

  it('does not take the id of something else for a person’s or household’s', () => {
    const query = '{ n: node(id: "x") { __typename ... on Office { key: id } ... on Household { key: id } } finding: duplicateAidFindings(regionCode: "65") { nodes { id } } }';
    const data = { n: { __typename: 'Office', key: 'not-a-household' }, finding: { nodes: [{ id: 'F1' }] } };
    expect(collect(query, null, data)).toEqual([]);
  });

  it('takes the ids asked for even when nothing came back', () => {
    expect(collect('{ household(id: "H7") { id } }', {}, { household: null })).toEqual(['H7']);
    expect(collect('{ households(ids: ["H8", "H9"]) { id } }', {}, null)).toEqual(['H8', 'H9']);
  });
});

describe('selectSubjectIds', () => {
  it('adds an aliased id to every Person and Household selection, and stripAlias takes it out of the data', () => {
    const { document, alias } = selectSubjectIds(rules, schema, parse('{ household(id: "H1") { members { name } } }'));
    expect(alias).toBe('_auditId');
    expect(print(document)).toContain('household(id: "H1") {\n    members {\n      name\n      _auditId: id\n    }\n    _auditId: id\n  }');
    const data = { household: { _auditId: 'H1', members: [{ name: 'a', _auditId: P1 }] } };
    stripAlias(data, alias!);
    expect(data).toEqual({ household: { members: [{ name: 'a' }] } });
  });

  it('leaves an operation that already selects whom it names as it is, with no alias to take out', () => {
    const original = parse('{ duplicateAidFindings(regionCode: "6540") { totalCount nodes { id personIds householdId } } }');
    expect(selectSubjectIds(rules, schema, original)).toEqual({ document: original, alias: null });
  });

  it('adds the persons and household of every finding and award that does not ask for them, and stripAlias takes them out', () => {
    const query = '{ duplicateAidFindings(regionCode: "6540") { nodes { id } } person(id: "x") { labourAwards { amountFen } } }';
    const { document, alias } = selectSubjectIds(rules, schema, parse(query));
    expect(alias).toBe('_auditId');
    const printed = print(document);
    expect(printed).toContain('nodes {\n      id\n      _auditId_personIds: personIds\n      _auditId_householdId: householdId\n    }');
    expect(printed).toContain('labourAwards {\n      amountFen\n      _auditId_personId: personId\n      _auditId_householdId: householdId\n    }');
    const data = { duplicateAidFindings: { nodes: [{ id: 'F1', _auditId_personIds: [P1, P2], _auditId_householdId: 'H1' }] }, person: { _auditId: P3, labourAwards: [{ amountFen: 1, _auditId_personId: P3, _auditId_householdId: null }] } };
    const subjects = collectSubjects(schema, document, {}, data);
    expect(subjects).toEqual(['H1', P1, P2, P3].sort());
    stripAlias(data, alias!);
    expect(data).toEqual({ duplicateAidFindings: { nodes: [{ id: 'F1' }] }, person: { labourAwards: [{ amountFen: 1 }] } });
  });

  it('on the real graph: adds a finding’s persons and an award’s person, leaves a sweep page’s rows alone', () => {
    const api = apiSchemaOf(readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8'));
    const findings = print(selectSubjectIds(realRules, api, parse('{ duplicateAidFindings(regionCode: "65") { edges { node { explanation } } } }')).document);
    expect(findings).toContain('_auditId_personIds: personIds');
    expect(findings).toContain('_auditId_householdId: householdId');
    const review = print(selectSubjectIds(realRules, api, parse('mutation { reviewDuplicateAidFinding(id: "F", decision: CONFIRM, note: "n") { status } }')).document);
    expect(review).toContain('_auditId_personIds: personIds');
    const award = print(selectSubjectIds(realRules, api, parse('{ labourAward(id: "L1") { amountFen } }')).document);
    expect(award).toContain('_auditId_personId: personId');
    const page = parse(SWEEP_BATCH);
    expect(selectSubjectIds(realRules, api, page)).toEqual({ document: page, alias: null });
  });

  it('asks a sweep for a purpose, though its answer names no one (its pages do)', () => {
    const api = apiSchemaOf(readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8'));
    expect(startsPersonLevelWork(realRules, api, parse('mutation { runDuplicateAidSweep(regionCode: "6540") { id } }'))).toBe(true);
    expect(startsPersonLevelWork(realRules, api, parse('mutation { ...S } fragment S on Mutation { s: runDuplicateAidSweep(regionCode: "6540") { id } }'))).toBe(true);
    expect(startsPersonLevelWork(realRules, api, parse('mutation { updateDuplicateAidRules(rules: "{}", note: "n") { version } }'))).toBe(false);
    expect(startsPersonLevelWork(realRules, api, parse('{ duplicateAidSweep(id: "s1") { status } }'))).toBe(false);
  });

  it('picks an alias no response key of the document starts with', () => {
    const { alias } = selectSubjectIds(rules, schema, parse('{ duplicateAidFindings(regionCode: "6540") { nodes { _auditId_x: id } } }'));
    expect(alias).toBe('_auditId2');
  });
});

/** The access-log metrics' counts so far (gateway/src/metrics.ts). */
async function accessLogCounts(): Promise<{ written: number; failed: number; waited: number; withheld: number }> {
  const count = async (metric: { get(): Promise<{ values: { metricName?: string; labels: Record<string, unknown>; value: number }[] }> }, name: string, outcome?: string) =>
    (await metric.get()).values.find((v) => v.metricName === name && (outcome === undefined || v.labels.outcome === outcome))?.value ?? 0;
  return {
    written: await count(accessLogWrites, 'saf_access_log_write_seconds_count', 'written'),
    failed: await count(accessLogWrites, 'saf_access_log_write_seconds_count', 'failed'),
    waited: await count(accessLogWait, 'saf_access_log_wait_seconds_count'),
    withheld: (await accessLogWithheld.get()).values[0]?.value ?? 0,
  };
}

describe('the audit plugin', () => {
  const CASEWORKER: Caller = { sub: 'cw-1', role: 'CASEWORKER', region: '654002' };
  let audit: http.Server;
  let auditBase = '';
  /** How the fake audit service answers: 'hang' never does, 'cut' drops the connection halfway through its answer. */
  let mode: 'ok' | 'fail' | 'hang' | 'cut' = 'ok';
  let connections = 0;
  /** A subgraph answer handed to the plugin during execution (null: none), and what happens after it. */
  let fetched: unknown = null;
  let afterFetch: (() => Promise<void>) | null = null;
  const received: { path: string; headers: http.IncomingHttpHeaders; body: { entries: Record<string, unknown>[] } }[] = [];
  const signed: { path: string; body: string }[] = [];
  let apollo: ApolloServer<GatewayContext>;

  beforeAll(async () => {
    audit = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        received.push({ path: req.url!, headers: req.headers, body: JSON.parse(text) });
        if (mode === 'hang') return;
        if (mode === 'cut') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
          res.write('{"appended":1,', () => res.destroy());
          return;
        }
        res.writeHead(mode === 'ok' ? 200 : 500, { 'content-type': 'application/json' });
        res.end(mode === 'ok' ? '{"appended":1,"head":{"seq":1,"hash":"x"}}' : '{"error":"internal error"}');
      });
    });
    audit.on('connection', () => connections++);
    await new Promise<void>((r) => audit.listen(0, '127.0.0.1', r));
    auditBase = `http://127.0.0.1:${(audit.address() as AddressInfo).port}`;
    const printableRules = personLevelRules(printableSchema);
    const household = (id: string) => (id === 'H1' ? { id: 'H1', regionCode: '654002', members: [{ id: P1, name: '阿依古丽' }], awards: [] } : null);
    apollo = new ApolloServer<GatewayContext>({
      schema: buildSchemaWithResolvers(),
      plugins: [
        createAuditPlugin({
          auditUrl: () => `${auditBase}/graphql`,
          sign: (path, body) => (signed.push({ path, body }), { 'x-saf-signature': 'test-signature' }),
          log: createLogger('gateway', 'silent'),
          timeoutMs: 500,
          rules: () => printableRules,
        }),
      ],
    });
    function buildSchemaWithResolvers() {
      const s = buildSchema(`${printableSchema}\n${sharingSDL}`);
      s.getQueryType()!.getFields().household!.resolve = async (_: unknown, { id }: { id: string }, context: GatewayContext) => {
        // Stands in for the gateway's data sources: hands the plugin a subgraph answer, then
        // (like the departments' fetches still out) lets the test decide when execution ends.
        if (fetched) {
          context.subjectsFetched?.(fetched);
          await afterFetch?.();
        }
        return household(id);
      };
      s.getQueryType()!.getFields().note!.resolve = (_: unknown, { text }: { text: string }) => text;
      return s;
    }
    await apollo.start();
  });
  afterAll(async () => {
    await apollo?.stop();
    await new Promise((r) => audit?.close(r));
  });
  beforeEach(() => {
    fetched = null;
    afterFetch = null;
    mode = 'ok';
    received.length = 0;
    signed.length = 0;
  });

  async function run(query: string, variables: Record<string, unknown> = {}, context: Partial<GatewayContext> = {}) {
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: { query, variables } },
      context: async () => ({ requestId: 'req-1', purpose: findPurpose('低保复核')!, caller: CASEWORKER, internal: false, ...context }),
    });
    const text = response.body.kind === 'complete' ? response.body.string : '';
    return { status: response.status ?? 200, body: JSON.parse(text) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] } };
  }

  it('refuses person-level data without a purpose, with a clear 400 listing the caller’s purposes, before anything runs', async () => {
    const res = await run('query Look { household(id: "H1") { id members { name } } }', {}, { purpose: null });
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors![0]!.extensions!.code).toBe('PURPOSE_REQUIRED');
    expect(res.body.errors![0]!.message).toMatch(/X-Purpose/);
    expect(res.body.errors![0]!.message).toMatch(/用途/);
    expect(res.body.errors![0]!.message).toContain('低保审核（MINIMUM_LIVING_REVIEW）');
    expect(res.body.errors![0]!.extensions!.allowed).toContainEqual({ code: 'MINIMUM_LIVING_REVIEW', zh: '低保审核', en: expect.any(String) });
    expect(received).toHaveLength(0);
  });

  it('writes one signed entry per person-level request before answering', async () => {
    const before = await accessLogCounts();
    const res = await run('query Look($id: ID!) { household(id: $id) { id members { id name } } }', { id: 'H1' });
    expect(res.status).toBe(200);
    // Metrics: one write, written; one answer that waited for it; nothing withheld.
    expect(await accessLogCounts()).toEqual({ written: before.written + 1, failed: before.failed, waited: before.waited + 1, withheld: before.withheld });
    expect(res.body.data.household.members[0].name).toBe('阿依古丽');
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe('/audit/entries');
    expect(received[0]!.headers['x-saf-signature']).toBe('test-signature');
    expect(signed).toEqual([{ path: '/audit/entries', body: JSON.stringify(received[0]!.body) }]);
    expect(received[0]!.body.entries).toEqual([
      { at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), sub: 'cw-1', role: 'CASEWORKER', region: '654002', department: null, purpose: '低保复核', operation: 'Look', subjectIds: [P1, 'H1'], requestId: 'req-1' },
    ]);
  });

  it('logs whose data was read even when the query selected no ids, and answers exactly what was asked', async () => {
    const res = await run('{ household(id: "H1") { members { name } } }');
    expect(res.body).toEqual({ data: { household: { members: [{ name: '阿依古丽' }] } } });
    expect(received[0]!.body.entries[0]!.subjectIds).toEqual([P1, 'H1']);
  });

  it('keeps a client’s own field named like the one it adds', async () => {
    const res = await run('{ household(id: "H1") { _auditId: regionCode members { _auditId: name } } }');
    expect(res.body).toEqual({ data: { household: { _auditId: '654002', members: [{ _auditId: '阿依古丽' }] } } });
    expect(received[0]!.body.entries[0]!.subjectIds).toEqual([P1, 'H1']);
  });

  it('names an anonymous operation by its root fields', async () => {
    await run(`{ household(id: "H1") { id } other: household(id: "H2") { id } }`);
    expect(received[0]!.body.entries[0]!.operation).toBe('{household household}');
    expect(received[0]!.body.entries[0]!.subjectIds).toEqual(['H1', 'H2']);
  });

  it('withholds the data when the access log cannot record the read', async () => {
    mode = 'fail';
    const before = await accessLogCounts();
    const res = await run('{ household(id: "H1") { id members { name } } }');
    expect(res.status).toBe(503);
    expect(await accessLogCounts()).toEqual({ written: before.written, failed: before.failed + 1, waited: before.waited, withheld: before.withheld + 1 });
    expect(res.body.data).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain('阿依古丽');
    expect(res.body.errors).toEqual([{ message: expect.stringMatching(/access log/), extensions: { code: 'AUDIT_UNAVAILABLE', requestId: 'req-1' } }]);
  });

  it('withholds the data when the audit service does not answer in time, or drops the connection mid-answer', async () => {
    for (const failure of ['hang', 'cut'] as const) {
      mode = failure;
      const res = await run('{ household(id: "H1") { id members { name } } }');
      expect(res.status, failure).toBe(503);
      expect(JSON.stringify(res.body)).not.toContain('阿依古丽');
      expect(res.body.errors![0]!.extensions!.code).toBe('AUDIT_UNAVAILABLE');
    }
    mode = 'ok';
    expect((await run('{ household(id: "H1") { id } }')).status).toBe(200);
  });

  it('keeps its connection to the audit service open between writes', async () => {
    await run('{ household(id: "H1") { id } }'); // after the failures above, a fresh connection
    const before = connections;
    for (let i = 0; i < 5; i++) expect((await run('{ household(id: "H1") { id } }')).status).toBe(200);
    expect(received).toHaveLength(6);
    expect(connections).toBe(before);
  });

  it('writes the entry from the first subgraph answer holding ids, while the rest is still being fetched', async () => {
    fetched = { household: { _auditId: 'H1', regionCode: '654002', members: [{ _auditId: P1, name: '阿依古丽' }] } };
    let writtenDuringExecution = false;
    afterFetch = async () => {
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      writtenDuringExecution = received.length === 1;
    };
    const res = await run('query Look { household(id: "H1") { id members { name } } }');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { household: { id: 'H1', members: [{ name: '阿依古丽' }] } } });
    expect(writtenDuringExecution).toBe(true);
    // One entry: the response holds no id the early one did not list.
    expect(received).toHaveLength(1);
    expect(received[0]!.body.entries).toHaveLength(1);
    expect(received[0]!.body.entries[0]).toMatchObject({ operation: 'Look', purpose: '低保复核', sub: 'cw-1', requestId: 'req-1' });
    expect([...(received[0]!.body.entries[0]!.subjectIds as string[])].sort()).toEqual([P1, 'H1'].sort());
  });

  it('logs in a second entry, before answering, the ids that later answers brought', async () => {
    fetched = { household: { _auditId: 'H1' } };
    const res = await run('query Look { household(id: "H1") { members { name } } }');
    expect(res.status).toBe(200);
    const entries = received.flatMap((r) => r.body.entries);
    expect(entries).toHaveLength(2); // in either order: both are written before the answer leaves
    expect(entries.map((e) => e.subjectIds)).toEqual(expect.arrayContaining([['H1'], [P1]]));
    expect(entries.every((e) => e.operation === 'Look' && e.requestId === 'req-1')).toBe(true);
  });

  it('withholds the data when the entry written early fails, and leaves no unhandled rejection', async () => {
    fetched = { household: { _auditId: 'H1', members: [{ _auditId: P1 }] } };
    mode = 'fail';
    afterFetch = async () => {
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 20)); // the failed answer is in before execution ends
    };
    const res = await run('{ household(id: "H1") { id members { name } } }');
    expect(res.status).toBe(503);
    expect(JSON.stringify(res.body)).not.toContain('阿依古丽');
    expect(res.body.errors![0]!.extensions!.code).toBe('AUDIT_UNAVAILABLE');
  });

  it('writes nothing early from an answer without ids, and everything at the end', async () => {
    fetched = { household: { regionCode: '654002' } };
    afterFetch = async () => {
      await new Promise((r) => setTimeout(r, 30));
      expect(received).toHaveLength(0);
    };
    const res = await run('{ household(id: "H1") { members { name } } }');
    expect(res.status).toBe(200);
    expect(received.flatMap((r) => r.body.entries.map((e) => e.subjectIds))).toEqual([[P1, 'H1']]);
  });

  it('withholds the data when the audit service is unreachable', async () => {
    const saved = auditBase;
    auditBase = 'http://127.0.0.1:1';
    try {
      const res = await run('{ household(id: "H1") { id members { name } } }');
      expect(res.status).toBe(503);
      expect(res.body.errors![0]!.extensions!.code).toBe('AUDIT_UNAVAILABLE');
    } finally {
      auditBase = saved;
    }
  });

  it('under concurrent reads, writes entries together, every one of them, each response after its own', async () => {
    const ids = ['r-1', 'r-2', 'r-3', 'r-4', 'r-5', 'r-6'];
    const results = await Promise.all(ids.map((requestId) => run('query Look { household(id: "H1") { members { name } } }', {}, { requestId })));
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 200));
    expect(results.every((r) => r.body.data.household.members[0].name === '阿依古丽')).toBe(true);
    // The first write goes at once; the reads finishing while it is in flight share the next one.
    expect(received.length).toBeGreaterThan(1);
    expect(received.length).toBeLessThan(ids.length);
    const entries = received.flatMap((r) => r.body.entries);
    expect(entries.map((e) => e.requestId).sort()).toEqual(ids);
    expect(entries.every((e) => JSON.stringify(e.subjectIds) === JSON.stringify([P1, 'H1']))).toBe(true);
    // Each call is signed over exactly the body it carries.
    expect(signed.map((x) => x.body)).toEqual(received.map((r) => JSON.stringify(r.body)));
  });

  it('withholds every response of a write that failed, and the next reads are logged again', async () => {
    mode = 'fail';
    const failed = await Promise.all(['f-1', 'f-2', 'f-3'].map((requestId) => run('{ household(id: "H1") { members { name } } }', {}, { requestId })));
    expect(failed.map((r) => r.status)).toEqual([503, 503, 503]);
    expect(failed.every((r) => !JSON.stringify(r.body).includes('阿依古丽'))).toBe(true);
    mode = 'ok';
    received.length = 0;
    expect((await run('{ household(id: "H1") { id } }', {}, { requestId: 'after' })).status).toBe(200);
    expect(received.flatMap((r) => r.body.entries.map((e) => e.requestId))).toEqual(['after']);
  });

  it('logs the ids of a query it has seen before as fully as the first time', async () => {
    const query = 'query Again { household(id: "H1") { members { name } } }';
    for (const requestId of ['a-1', 'a-2']) {
      const res = await run(query, {}, { requestId });
      expect(res.body).toEqual({ data: { household: { members: [{ name: '阿依古丽' }] } } });
    }
    expect(received.flatMap((r) => r.body.entries.map((e) => [e.requestId, e.subjectIds]))).toEqual([
      ['a-1', [P1, 'H1']],
      ['a-2', [P1, 'H1']],
    ]);
  });

  it('neither asks a purpose of nor logs other operations', async () => {
    const res = await run('{ note(text: "hello") }', {}, { purpose: null });
    expect(res.body).toEqual({ data: { note: 'hello' } });
    expect(received).toHaveLength(0);
  });

  it('logs a person-level request that failed validation as nothing (nothing was read)', async () => {
    const res = await run('{ household(id: "H1") { nope } }');
    expect(res.status).toBe(400);
    expect(received).toHaveLength(0);
  });

  it('logs our own services’ reads for a caller with the purpose the caller declared, and asks them for one like anyone', async () => {
    const coordinator: Caller = { sub: 'co-1', role: 'COORDINATOR' };
    const res = await run('query SweepPage { household(id: "H1") { id } }', {}, { purpose: findPurpose('SWEEP')!, internal: true, caller: coordinator });
    expect(res.status).toBe(200);
    expect(received[0]!.body.entries[0]).toMatchObject({ sub: 'co-1', role: 'COORDINATOR', region: null, purpose: '数据比对', operation: 'SweepPage', subjectIds: ['H1'] });
    received.length = 0;
    const bare = await run('query SweepPage { household(id: "H1") { id } }', {}, { purpose: null, internal: true, caller: coordinator });
    expect(bare.status).toBe(400);
    expect(bare.body.errors![0]!.extensions!.code).toBe('PURPOSE_REQUIRED');
    expect(received).toHaveLength(0);
  });
});

const printableSchema = `
  type Query { household(id: ID!): Household ${HIGH} note(text: String!): String ${LOW} }
  type Household ${HIGH} { id: ID! regionCode: String! members: [Person!]! awards: [AidAward!]! }
  type Person ${HIGH} { id: ID! name: String }
  type AidAward ${HIGH} { id: ID! }
`;

describe('statistics and person-level fields', () => {
  it('treats coverage-gap household lists and recipient lists as person-level, plain figures not', () => {
    const api = apiSchemaOf(readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8'));
    const real = (q: string) => isPersonLevel(realRules, api, parse(q));
    expect(real('{ assistanceStatistics(regionCode: "6540") { programme beneficiaries amountFen } }')).toBe(false);
    expect(real('{ assistanceTargets(regionCode: "6540") { coverageGaps { region { persons households } } } }')).toBe(false);
    expect(real('{ assistanceTargets(regionCode: "6540") { coverageGaps { region { householdIds } } } }')).toBe(true);
    expect(real('{ _internalCertificateHolders(maxGrade: 2) }')).toBe(true);
  });

  it('counts incomes and properties as person-level wherever they are read; published standards not', () => {
    const api = apiSchemaOf(readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8'));
    const real = (q: string) => isPersonLevel(realRules, api, parse(q));
    expect(realRules.types.has('IncomeRecord')).toBe(true);
    expect(realRules.types.has('PropertyRecord')).toBe(true);
    expect(realRules.types.has('AssistanceStandard')).toBe(false);
    expect(real('{ person(id: "1") { incomes { monthlyFen } properties { kind } } }')).toBe(true);
    expect(real('{ assistanceStandards(regionCode: "654002") { programme monthlyFen } }')).toBe(false);
  });

  it('counts accounts and payments as person-level wherever they are read', () => {
    const api = apiSchemaOf(readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8'));
    const real = (q: string) => isPersonLevel(realRules, api, parse(q));
    expect(realRules.types.has('Payment')).toBe(true);
    expect(realRules.types.has('BankAccount')).toBe(true);
    expect(real('query { person(id: "1") { bankAccounts { bank } labourPayments { amountFen } } }')).toBe(true);
  });

  it('names the persons a payment roll’s bank file lists, from the file’s text', () => {
    const api = apiSchemaOf(readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8'));
    const bankFile = `\uFEFFline,reference,bank,accountNumber,holderId,personId,awardId,amountFen\r\n1,PR-1-1,银行,6228480000000000017,${P2},${P2},CA-1,50000\r\n2,PR-1-2,银行,622848000000000001X,${P3},${P3},CA-2,50000\r\n`;
    const subjects = collectSubjects(api, parse('query ($id: ID!) { paymentRoll(id: $id) { id bankFile } }'), { id: 'PR-1' }, { paymentRoll: { id: 'PR-1', bankFile } });
    expect(subjects).toEqual([P2, P3].sort());
  });
});
