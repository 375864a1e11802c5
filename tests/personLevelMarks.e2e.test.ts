/**
 * What needs a purpose and goes to the access log is what the owners mark MEDIUM or HIGH, not what
 * a type is called: a department joining the graph (veterans' affairs, 退役军人事务, in no list the
 * gateway ever kept) gets its record of a person refused without a purpose and logged under the
 * person, and its figures served to anyone, though their type is named …Award. The gateway reads
 * the marks from the supergraph it reloads.
 */
import { copyFile, mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { sql } from 'drizzle-orm';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { makeResidentId } from '@saf/identity';
import { sharingSDL } from '@saf/service';
import { composeSources, readSubgraphSources } from '../scripts/compose.ts';
import { startSystem, type System } from './support/system.ts';

const committed = fileURLToPath(new URL('../gateway/supergraph.graphql', import.meta.url));

const VETERANS_SDL = `
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@composeDirective"])
  @link(url: "https://specs.social-assistance.example/sharing/v1.0", import: ["@sharing"])
  @composeDirective(name: "@sharing")

# Owner: 退役军人事务局 (veterans' affairs), a department joining the graph.

type Query {
  """A veteran's service record (优抚对象档案), by resident ID number."""
  veteranRecord(personId: ID!): VeteranRecord @sharing(class: CONDITIONAL, sensitivity: HIGH)
  """Preferential treatment paid under a region (抚恤补助), by kind: figures only."""
  veteranAwards(regionCode: String!): [VeteranAward!]! @sharing(class: UNCONDITIONAL, sensitivity: LOW)
}

"""One veteran's record: about a person."""
type VeteranRecord @sharing(class: CONDITIONAL, sensitivity: HIGH) {
  personId: ID!
  serviceYears: Int!
  disabilityGrade: String
}

"""What was paid under a region for one kind of treatment: an aggregate, named …Award all the same."""
type VeteranAward @sharing(class: UNCONDITIONAL, sensitivity: LOW) {
  regionCode: String!
  kind: String!
  recipients: Int!
  amountFen: Int!
}
`;

const VETERAN = makeResidentId('654002', '1958-08-01', 71);
const CASEWORKER: Caller = { sub: 'cw-veterans', role: 'CASEWORKER', region: '654002' };
const ANALYST: Caller = { sub: 'analyst-veterans', role: 'ANALYST' };
const AUDITOR: Caller = { sub: 'auditor-veterans', role: 'AUDITOR' };
const RECORD = 'query VeteranRecordRead($id: ID!) { veteranRecord(personId: $id) { serviceYears disabilityGrade } }';
const FIGURES = 'query VeteranFigures { veteranAwards(regionCode: "6540") { regionCode kind recipients amountFen } }';
const LOG = 'query ReadLog($id: ID!) { accessLog(personId: $id, first: 20) { edges { node { sub purpose operation subjectIds } } } }';
const NO_PURPOSE = { 'x-purpose': '' };

describe('person-level as the owners mark it, for a department no list knows', () => {
  let veterans: ApolloServer;
  let system: System;
  let file: string;

  beforeAll(async () => {
    veterans = new ApolloServer({
      schema: buildSubgraphSchema([
        {
          typeDefs: parse(`${VETERANS_SDL}\n${sharingSDL}`),
          resolvers: {
            Query: {
              veteranRecord: (_: unknown, { personId }: { personId: string }) => ({ personId, serviceYears: 12, disabilityGrade: '六级' }),
              veteranAwards: (_: unknown, { regionCode }: { regionCode: string }) => [{ regionCode, kind: '定期抚恤', recipients: 40, amountFen: 1_920_000 }],
            },
          },
        },
      ]),
      plugins: [ApolloServerPluginInlineTraceDisabled()],
    });
    const { url } = await startStandaloneServer(veterans, { listen: { port: 0, host: '127.0.0.1' } });
    // The gateway starts on today's graph; veterans' affairs joins it with a new supergraph file.
    file = path.join(await mkdtemp(path.join(tmpdir(), 'saf-marks-')), 'supergraph.graphql');
    await copyFile(committed, file);
    system = await startSystem({ env: { SUPERGRAPH_PATH: file, VETERANS_URL: url } });
  });
  afterAll(async () => {
    await system?.stop();
    await veterans?.stop();
  });

  it('takes the new department in on a reload, its marks with it', async () => {
    expect((await system.query(FIGURES, {}, { caller: ANALYST })).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const composed = composeSources([...readSubgraphSources(), { name: 'veterans', sdl: `${VETERANS_SDL}\n${sharingSDL}`, packageJson: undefined }]);
    if ('errors' in composed) throw new Error(composed.errors.join('\n'));
    await writeFile(`${file}.next`, composed.supergraphSdl);
    await rename(`${file}.next`, file);
    // Asked as a coordinator while waiting (an analyst's rate is two a second).
    let res = await system.query(FIGURES);
    for (let i = 0; i < 100 && res.errors; i++) {
      await new Promise((r) => setTimeout(r, 50));
      res = await system.query(FIGURES);
    }
    expect(res.errors).toBeUndefined();
  });

  it('refuses a read of the new record of a person without a purpose, and logs it under the person with one', async () => {
    const bare = await system.query(RECORD, { id: VETERAN }, { caller: CASEWORKER, headers: NO_PURPOSE });
    expect(bare.status).toBe(400);
    expect(bare.data ?? null).toBeNull();
    expect(bare.errors![0]!.extensions!.code).toBe('PURPOSE_REQUIRED');

    const read = await system.query(RECORD, { id: VETERAN }, { caller: CASEWORKER, headers: { 'x-purpose': 'ENTITLED_GROUPS_REVIEW' } });
    expect(read.status).toBe(200);
    expect(read.data).toEqual({ veteranRecord: { serviceYears: 12, disabilityGrade: '六级' } });
    const log = await system.query(LOG, { id: VETERAN }, { caller: AUDITOR });
    expect(log.errors).toBeUndefined();
    const entries = log.data!.accessLog.edges.map((e: { node: unknown }) => e.node);
    expect(entries).toContainEqual({ sub: CASEWORKER.sub, purpose: '优抚对象审核', operation: 'VeteranRecordRead', subjectIds: [VETERAN] });
    // Refused before anything was read: the bare attempt left no entry.
    expect(entries.filter((e: { sub: string }) => e.sub === CASEWORKER.sub)).toHaveLength(1);
  });

  it('serves the figures, named …Award, without a purpose, to an analyst too, and logs no read of a person', async () => {
    for (const headers of [NO_PURPOSE, {}]) {
      const res = await system.query(FIGURES, {}, { caller: ANALYST, headers });
      expect(res.status).toBe(200);
      expect(res.data).toEqual({ veteranAwards: [{ regionCode: '6540', kind: '定期抚恤', recipients: 40, amountFen: 1_920_000 }] });
    }
    const logged = (await system.subgraphs.get('audit')!.database.db.execute(sql`SELECT count(*)::int AS n FROM access_log WHERE sub = ${ANALYST.sub}`)) as { rows: { n: number }[] };
    expect(logged.rows[0]!.n).toBe(0);
  });
});
