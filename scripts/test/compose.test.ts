import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { composeServices } from '@apollo/composition';
import { buildASTSchema, lexicographicSortSchema, parse, printSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeAndCompare, composeSources, readSubgraphSources, SUBGRAPHS_DIR, type SubgraphSource } from '../compose.ts';
import { ownerProblems } from '../owners.ts';
import { catalogueOf } from '@saf/service';
import { apiSchemaOf } from '../schemaChanges.ts';

const ACK_DATE = '2026-01-01';

describe('npm run compose: breaking changes between departments', () => {
  let sources: SubgraphSource[];
  let committed: string;
  let tempDir: URL;

  beforeAll(async () => {
    sources = readSubgraphSources();
    const composed = composeSources(sources);
    if ('errors' in composed) throw new Error(composed.errors.join('\n'));
    // The baseline is the composition of the schemas in this tree, so the test does not depend
    // on whether the committed file is stale.
    committed = composed.supergraphSdl;
    tempDir = pathToFileURL(`${await mkdtemp(path.join(tmpdir(), 'saf-compose-'))}/`);
  });

  /** Copies labour's schema.graphql and package.json to a temp folder, edits the schema, reads it back. */
  async function withLabourSchema(edit: (sdl: string) => string): Promise<SubgraphSource[]> {
    const dir = new URL(`${Math.random().toString(36).slice(2)}/labour/`, tempDir);
    await mkdir(dir, { recursive: true });
    await copyFile(new URL('labour/package.json', SUBGRAPHS_DIR), new URL('package.json', dir));
    const original = await readFile(new URL('labour/schema.graphql', SUBGRAPHS_DIR), 'utf8');
    const edited = edit(original);
    expect(edited).not.toBe(original);
    await writeFile(new URL('schema.graphql', dir), edited);
    const [labour] = readSubgraphSources(new URL('..', dir), ['labour']);
    return sources.map((s) => (s.name === 'labour' && labour ? labour : s));
  }

  it('refuses a removed field, names it, and names the owner of the subgraph that changed', async () => {
    const changed = await withLabourSchema((sdl) => sdl.replace(/\n\s*"""Last employer \(原工作单位\)\."""\n\s*previousEmployer: String/, ''));
    const result = composeAndCompare({ sources: changed, committed, acknowledgements: '' });
    expect(result.ok).toBe(false);
    expect(result.unacknowledged?.map((c) => c.id)).toEqual(['FIELD_REMOVED UnemploymentInsuranceDetails.previousEmployer was removed.']);
    expect(result.problems.join('\n')).toMatch(/--allow-breaking/);
    expect(result.changed).toEqual([{ name: 'labour', owner: expect.stringContaining('人力资源和社会保障局') }]);
  });

  it('refuses a changed field type and a new required argument', async () => {
    const changed = await withLabourSchema((sdl) =>
      sdl.replace('  months: Int\n', '  months: String\n').replace('labourAward(id: ID!): LabourAward', 'labourAward(id: ID!, region: String!): LabourAward'),
    );
    const result = composeAndCompare({ sources: changed, committed, acknowledgements: '' });
    expect(result.ok).toBe(false);
    expect(result.unacknowledged?.map((c) => c.id).sort()).toEqual([
      'FIELD_CHANGED_KIND UnemploymentInsuranceDetails.months changed type from Int to String.',
      'REQUIRED_ARG_ADDED A required arg region on Query.labourAward was added.',
    ]);
  });

  it('accepts a new nullable field, with no acknowledgement, and still names the owner', async () => {
    const changed = await withLabourSchema((sdl) =>
      sdl.replace('  previousEmployer: String\n', '  previousEmployer: String\n  """Why the benefit ended (终止原因)."""\n  endReason: String\n'),
    );
    const result = composeAndCompare({ sources: changed, committed, acknowledgements: '' });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.breaking).toEqual([]);
    expect(result.supergraphSdl).toContain('endReason: String');
    expect(result.changed?.map((c) => c.name)).toEqual(['labour']);
  });

  it('accepts a breaking change with --allow-breaking, and then because the acknowledgement lists it', async () => {
    const changed = await withLabourSchema((sdl) => sdl.replace(/\n\s*"""Last employer \(原工作单位\)\."""\n\s*previousEmployer: String/, ''));
    const allowed = composeAndCompare({ sources: changed, committed, acknowledgements: '', allowBreaking: 'labour retires previousEmployer; agreed with coordination', date: ACK_DATE });
    expect(allowed.ok).toBe(true);
    expect(allowed.acknowledgement).toContain(`## ${ACK_DATE}: labour retires previousEmployer; agreed with coordination`);
    expect(allowed.acknowledgement).toContain('- `FIELD_REMOVED` UnemploymentInsuranceDetails.previousEmployer was removed.');
    expect(allowed.acknowledgement).toContain('labour (人力资源和社会保障局 就业促进科)');

    const again = composeAndCompare({ sources: changed, committed, acknowledgements: `# log\n\n${allowed.acknowledgement}` });
    expect(again.ok).toBe(true);
    expect(again.breaking).toHaveLength(1);
    expect(again.unacknowledged).toEqual([]);
  });

  it('reports a composition error naming the subgraphs (a field coordination @requires made nullable)', async () => {
    const changed = await withLabourSchema((sdl) => sdl.replace('  amountFen: Int!\n', '  amountFen: Int\n'));
    const result = composeAndCompare({ sources: changed, committed, acknowledgements: '' });
    expect(result.ok).toBe(false);
    expect(result.problems.join('\n')).toMatch(/LabourAward\.amountFen.*"labour".*"coordination"/);
  });

  it('refuses a subgraph whose package.json and schema disagree on the owner', async () => {
    const changed = await withLabourSchema((sdl) => sdl.replace('# Owner: 人力资源和社会保障局 就业促进科', '# Owner: 民政局'));
    const result = composeAndCompare({ sources: changed, committed, acknowledgements: '' });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.stringMatching(/subgraphs\/labour: package.json owner "人力资源和社会保障局 就业促进科" and schema.graphql "# Owner:" "民政局" differ/)]);
  });

  it('every committed subgraph names the same owner in package.json and schema.graphql', () => {
    expect(ownerProblems(sources.map((s) => ({ name: s.name, packageJson: s.packageJson, schema: s.sdl })))).toEqual([]);
    expect(ownerProblems([{ name: 'x', packageJson: '{"name":"@saf/x"}', schema: 'type Query { a: Int }' }])).toEqual([
      'subgraphs/x/package.json has no "owner"',
      'subgraphs/x/schema.graphql has no "# Owner:" line',
    ]);
  });

  it("derives the same API schema from the supergraph SDL as Apollo's composition does", () => {
    const result = composeServices(sources.map((s) => ({ name: s.name, url: `http://${s.name}.invalid/graphql`, typeDefs: parse(s.sdl) })));
    if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
    // Through the AST: composition's graphql-js objects come from another module instance (CJS).
    const apollo = printSchema(lexicographicSortSchema(buildASTSchema(result.schema.toAPISchema().toAST())));
    expect(printSchema(lexicographicSortSchema(apiSchemaOf(result.supergraphSdl)))).toBe(apollo);
  });

  it('refuses a person-level field without a sharing class, naming the subgraph and the field', async () => {
    const changed = await withLabourSchema((sdl) => sdl.replace(/(\n  labourAwards: \[LabourAward!\]) @sharing\(class: CONDITIONAL, sensitivity: HIGH\)/, '$1'));
    const result = composeAndCompare({ sources: changed, committed, acknowledgements: '' });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.stringMatching(/^composition: \[SHARING\] subgraphs\/labour\/schema\.graphql: Person\.labourAwards has no sharing class/)]);
    // A type's class covers its fields: taking it off the type names each field it left bare.
    const bare = await withLabourSchema((sdl) => sdl.replace('type UnemploymentInsuranceDetails @sharing(class: CONDITIONAL, sensitivity: HIGH) {', 'type UnemploymentInsuranceDetails {'));
    const problems = composeSources(bare);
    expect('errors' in problems && problems.errors.join('\n')).toContain('UnemploymentInsuranceDetails.months has no sharing class');
  });

  it('refuses a field marked LOW whose name names a person, and flags LOW names that speak of persons', async () => {
    const LOW = '@sharing(class: UNCONDITIONAL, sensitivity: LOW)';
    const withFigures = (fields: string) =>
      withLabourSchema((sdl) => `${sdl.replace('type Query {\n', `type Query {\n  recipientFigures: [RecipientFigure!]! ${LOW}\n`)}\ntype RecipientFigure ${LOW} {\n${fields}\n}\n`);
    const refused = composeSources(await withFigures('  personId: ID!\n  amountFen: Int!'));
    expect('errors' in refused && refused.errors).toEqual([expect.stringMatching(/^\[SHARING\] subgraphs\/labour\/schema\.graphql: RecipientFigure\.personId is marked LOW but its name names a person or household/)]);
    const flagged = composeSources(await withFigures('  name: String!\n  amountFen: Int!'));
    if ('errors' in flagged) throw new Error(flagged.errors.join('\n'));
    expect(flagged.warnings).toEqual([expect.stringContaining(': RecipientFigure.name is marked LOW'), expect.stringContaining(': RecipientFigure is marked LOW')]);
    // The committed schemas have nothing to flag.
    const clean = composeSources(sources);
    expect('warnings' in clean && clean.warnings).toEqual([]);
  });

  it('refuses a composition that loses a subgraph\'s mark of a type as about a person', async () => {
    // Six other departments mark their shared FundsAggregate LOW: composition keeps the most common mark.
    const changed = await withLabourSchema((sdl) => sdl.replace('type FundsAggregate @shareable @sharing(class: UNCONDITIONAL, sensitivity: LOW) {', 'type FundsAggregate @shareable @sharing(class: UNCONDITIONAL, sensitivity: HIGH) {'));
    const result = composeSources(changed);
    expect('errors' in result && result.errors).toEqual([expect.stringMatching(/^\[SHARING\] subgraphs\/labour\/schema\.graphql: FundsAggregate is about a person there \(MEDIUM or HIGH\) but not in the composed supergraph/)]);
  });

  it('publishes each owner\'s classes in the supergraph: the catalogue reads them with the owning department', () => {
    const catalogue = catalogueOf(committed);
    expect(catalogue.get('Person.labourAwards')).toMatchObject({ department: 'LABOUR', subgraph: 'labour', sharing: 'CONDITIONAL', sensitivity: 'HIGH' });
    expect(catalogue.get('Query.labourStatistics')).toMatchObject({ department: 'LABOUR', sharing: 'UNCONDITIONAL', sensitivity: 'LOW' });
    expect(catalogue.get('UnemploymentInsuranceDetails.months')?.description).toMatch(/\S/);
    // Resolved by every department (an entity's key): no one owner, not listed.
    expect(catalogue.has('Person.id')).toBe(false);
    // Every field one department alone resolves is classified.
    const departmentFields = [...catalogue.values()].filter((e) => e.department !== null);
    expect(departmentFields.length).toBeGreaterThan(200);
  });

  it('carries the owners\' review of their classes (docs/sharing-classes.md), not one rule for every person-level field', () => {
    const catalogue = catalogueOf(committed);
    const of = (c: string) => { const e = catalogue.get(c); return e && `${e.sharing}/${e.sensitivity}`; };
    // Identity numbers, health, disability, income, property, bank accounts: HIGH.
    for (const c of ['Person.birthDate', 'Household.address', 'IncomeRecord.monthlyFen', 'PropertyRecord.areaSqm', 'BankAccount.accountNumber', 'MedicalAssistanceDetails.hospital', 'DisabilityCertificate.grade', 'LegalAidDetails.caseType', 'StudentLoanDetails.principalFen']) expect(of(c), c).toBe('CONDITIONAL/HIGH');
    // Names and relations: MEDIUM.
    for (const c of ['Person.name', 'Person.gender', 'Person.relation', 'Household.hukou', 'TrainingDetails.course', 'RentalSubsidyDetails.marketRentFen']) expect(of(c), c).toBe('CONDITIONAL/MEDIUM');
    // Published standards: no agreement needed.
    expect(of('Household.assistanceStandards')).toBe('UNCONDITIONAL/LOW');
    expect(of('Query.assistanceStandards')).toBe('UNCONDITIONAL/LOW');
    // The platform's internal interfaces leave their department under no agreement.
    const internal = [...catalogue.values()].filter((e) => e.department !== null && /^(Query|Mutation)\._internal/.test(e.coordinate));
    expect(internal.length).toBeGreaterThan(20);
    expect(internal.filter((e) => e.sharing !== 'NOT_SHARED').map((e) => e.coordinate)).toEqual([]);
  });
});
