/**
 * Person-level from the owners' marks, on the committed supergraph: what the gateway counted by
 * name before (its list, every …Award) still is, statistics are not, and the console's operations
 * need a purpose exactly as before.
 */
import { readFileSync } from 'node:fs';
import { getNamedType, isObjectType, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { personLevelRules, sharingSDL } from '@saf/service';
import { apiSchemaOf } from '../../scripts/schemaChanges.ts';
import { isPersonLevel, startsPersonLevelWork } from '../src/personLevel.ts';

const supergraph = readFileSync(new URL('../supergraph.graphql', import.meta.url), 'utf8');
const api = apiSchemaOf(supergraph);
const rules = personLevelRules(supergraph);

// What gateway/src/personLevel.ts listed by name until the owners' marks decided.
const LISTED_TYPES = ['Person', 'Household', 'AidAward', 'DuplicateAidFinding', 'DisabilityCertificate', 'IncomeRecord', 'PropertyRecord', 'AssistanceApplication', 'ReviewTask', 'Payment', 'BankAccount', 'PaymentFinding', 'PaymentRoll', 'AccessLogEntry', 'ProgrammeRecipient', 'PersonPlace', 'DisasterReliefCase', 'LateReliefCase', 'SweepBatch', 'SweepPlan'];
const LISTED_ROOT_FIELDS = [
  'searchHouseholds', 'checkProposedAward', 'accessLog', '_internalCertificateHolders', '_internalRollAccounts', '_internalAccountRegistrations',
  ...['CivilAffairs', 'Labour', 'Health', 'Education', 'Housing', 'Justice', 'Disability'].flatMap((d) => [`_internal${d}RollAwards`, `_internal${d}RecordRollPayments`, `_internal${d}UnawardedPayments`]),
];
const LISTED_SWEEPS = ['runDuplicateAidSweep', 'runPaymentSweep', 'generatePaymentRoll', 'reconcilePaymentRoll'];

/** Figures and codes, as analysts and the console's charts read them. */
const AGGREGATES = [
  'UnawardedFunds', 'FundsStatistics', 'FundsAggregate', 'ProgrammeAggregate', 'ProgrammeStatistics', 'ProgrammeOverlap', 'ProgrammePair', 'ProgrammeCountBucket',
  'AssistanceTargets', 'CentralizedSupport', 'CentralizedSupportRate', 'CoverageGap', 'CoverageGapCount', 'DisasterReliefTimeliness', 'DisasterReliefCounts',
  'AssistanceStandard', 'EligibilityRuleSet', 'DuplicateAidRuleSet', 'CatalogueEntry', 'SharingAgreement', 'PageInfo', 'DuplicateAidSweep', 'PaymentSweep',
];

describe('person-level from the owners’ marks, on the committed supergraph', () => {
  it('counts every type the gateway listed by name, and every …Award type', () => {
    const awards = Object.keys(api.getTypeMap()).filter((name) => name.endsWith('Award'));
    expect(awards).toEqual(expect.arrayContaining(['AidAward', 'CivilAffairsAward', 'LabourAward', 'HealthAward', 'EducationAward', 'HousingAward', 'JusticeAward', 'DisabilityAward']));
    expect([...LISTED_TYPES, ...awards].filter((type) => !rules.types.has(type))).toEqual([]);
  });

  it('counts every root field it listed, by its own mark or by what it returns', () => {
    const roots = [api.getQueryType()!, api.getMutationType()!];
    const missed = LISTED_ROOT_FIELDS.filter((name) => {
      const root = roots.find((r) => r.getFields()[name]);
      if (!root) return true;
      return !rules.fields.has(`${root.name}.${name}`) && !rules.types.has(getNamedType(root.getFields()[name]!.type).name);
    });
    expect(missed).toEqual([]);
    // The sweeps it asked a purpose of: by their own mark, or because they answer with a roll.
    for (const name of LISTED_SWEEPS) {
      const started = parse(`mutation { ${name} { id } }`);
      expect(startsPersonLevelWork(rules, api, started) || isPersonLevel(rules, api, started), name).toBe(true);
    }
  });

  it('does not count statistics, figures or codes, whatever they are called', () => {
    const named = Object.values(api.getTypeMap()).filter((t) => isObjectType(t) && /Statistics|Aggregate|Counts?$|Bucket|Overlap|Timeliness|Targets|Rate$/.test(t.name)).map((t) => t.name);
    expect(named.length).toBeGreaterThan(10);
    expect([...AGGREGATES, ...named].filter((type) => rules.types.has(type))).toEqual([]);
    // The households of a coverage gap are, alone of its figures.
    expect(rules.fields.has('CoverageGapCount.householdIds')).toBe(true);
    const gaps = (selection: string) => isPersonLevel(rules, api, parse(`{ assistanceTargets(regionCode: "6540") { coverageGaps { region { ${selection} } } } }`));
    expect(gaps('persons households')).toBe(false);
    expect(gaps('householdIds')).toBe(true);
  });

  it('asks the console’s operations for a purpose as the name lists did, and the public notice now too', () => {
    const trusted = JSON.parse(readFileSync(new URL('../trusted-operations.json', import.meta.url), 'utf8')) as { operations: Array<{ name: string; document: string }> };
    const free = trusted.operations
      .filter(({ name, document }) => !isPersonLevel(rules, api, parse(document), name) && !startsPersonLevelWork(rules, api, parse(document), name))
      .map(({ name }) => name)
      .sort();
    // PublicNotice was among them: its entries (an applicant's masked name, community, household
    // size and amount) are marked MEDIUM, about a person, so reading them is declared and logged.
    expect(free).toEqual([
      'AssistanceStatistics', 'AssistanceTargets', 'DataCatalogue', 'DecideSharing', 'DuplicateAidSweepProgress', 'DuplicateAidSweeps', 'FundsStatistics', 'PaymentSweepStatus',
      'RegisterSharingOperation', 'RequestSharing', 'RevokeSharing', 'SharingAgreements', 'SharingUsage', 'SignInCheck', 'StatisticsCsv',
    ]);
  });

  it('asks for a purpose to start a sweep or read a list’s rows, not to change the rules, follow a sweep or count a list', () => {
    const needs = (q: string) => isPersonLevel(rules, api, parse(q)) || startsPersonLevelWork(rules, api, parse(q));
    expect(needs('mutation { runDuplicateAidSweep(regionCode: "6540") { id } }')).toBe(true);
    expect(needs('mutation { runPaymentSweep(regionCode: "6540", period: "2026-11") { id } }')).toBe(true);
    expect(needs('mutation { updateDuplicateAidRules(rules: "{}", note: "n") { version } }')).toBe(false);
    expect(needs('mutation { updateEligibilityRules(rules: "{}", note: "n") { version } }')).toBe(false);
    expect(needs('{ duplicateAidSweep(id: "s1") { status findingsCount } paymentSweep(id: "p1") { status } }')).toBe(false);
    expect(needs('{ duplicateAidSweeps(regionCode: "6540") { totalCount edges { node { status } } } }')).toBe(false);
    // A list's count and page are figures; its rows are about persons.
    expect(needs('{ duplicateAidFindings(regionCode: "6540") { totalCount pageInfo { hasNextPage } } }')).toBe(false);
    expect(needs('{ duplicateAidFindings(regionCode: "6540") { edges { node { id } } } }')).toBe(true);
    expect(needs('{ householdsInRegion(regionCode: "6540") { edges { cursor } } }')).toBe(true);
  });
});

describe('personLevelRules', () => {
  const HIGH = '@sharing(class: CONDITIONAL, sensitivity: HIGH)';
  const LOW = '@sharing(class: UNCONDITIONAL, sensitivity: LOW)';

  it('takes a type marked about a person for one, and a LOW one for an aggregate, whatever their names', () => {
    const sdl = `
      type Query { record(id: ID!): VeteranRecord ${HIGH} figures: [VeteranAward!]! ${LOW} }
      type VeteranRecord ${HIGH} { personId: ID! serviceYears: Int! }
      type VeteranAward ${LOW} { recipients: Int! amountFen: Int! }
      ${sharingSDL}`;
    const own = personLevelRules(sdl);
    expect([...own.types]).toEqual(['VeteranRecord']);
  });

  it('counts a type classified field by field when one of its fields is about a person, and an interface or union that may be one', () => {
    const own = personLevelRules(`
      type Query { node(id: ID!): Node ${LOW} found: Found ${LOW} }
      interface Node { id: ID! ${LOW} }
      union Found = Resident | Office
      type Resident implements Node { id: ID! ${HIGH} regionCode: String! ${LOW} }
      type Office implements Node { id: ID! ${LOW} regionCode: String! ${LOW} }
      ${sharingSDL}`);
    expect([...own.types].sort()).toEqual(['Found', 'Node', 'Resident']);
  });

  it('counts a type the rules do not know as about a person (a schema served an instant before its rules, at a reload)', async () => {
    const { buildSchema } = await import('graphql');
    const before = personLevelRules(`type Query { figures: Int ${LOW} } ${sharingSDL}`);
    const after = buildSchema(`type Query { figures: Int ${LOW} figuresByCounty: [CountyFigure!]! ${LOW} } type CountyFigure { regionCode: String! count: Int! } ${sharingSDL}`);
    expect(isPersonLevel(before, after, parse('{ figures }'))).toBe(false);
    // Introspection's types are in no SDL: they describe the schema, not anyone.
    expect(isPersonLevel(before, after, parse('query ($name: String!) { __type(name: $name) { name fields { name } } __schema { queryType { name } } }'))).toBe(false);
    expect(isPersonLevel(before, after, parse('{ figuresByCounty { regionCode } }'))).toBe(true);
    // Once its own rules are read, the same type is what its owner marked.
    const marked = buildSchema(`type Query { figures: Int ${LOW} figuresByCounty: [CountyFigure!]! ${LOW} } type CountyFigure ${LOW} { regionCode: String! count: Int! } ${sharingSDL}`);
    expect(isPersonLevel(personLevelRules(`type Query { figures: Int ${LOW} figuresByCounty: [CountyFigure!]! ${LOW} } type CountyFigure ${LOW} { regionCode: String! count: Int! } ${sharingSDL}`), marked, parse('{ figuresByCounty { regionCode } }'))).toBe(false);
  });

  it('counts what no owner marked as about a person: only a declared LOW makes an aggregate', () => {
    const own = personLevelRules('type Query { vehicles(personId: ID!): [Vehicle!]! plateCount: Int } type Vehicle { plate: String! }');
    expect(own.types.has('Vehicle')).toBe(true);
    expect(own.fields.has('Query.plateCount')).toBe(true);
    expect(own.actions.size).toBe(0);
  });

  it('takes the mark of a scalar field for the field alone, of a field returning an object for nothing but that object', () => {
    const own = personLevelRules(`
      type Query { holders: [ID!]! ${HIGH} page: Page! ${HIGH} }
      type Mutation { sweep(regionCode: String!): Sweep! ${HIGH} setRules(json: String!): Int ${LOW} }
      type Page ${LOW} { totalCount: Int! ids: [ID!] ${HIGH} }
      type Sweep ${LOW} { status: String! }
      ${sharingSDL}`);
    expect([...own.fields].sort()).toEqual(['Page.ids', 'Query.holders']);
    expect([...own.types]).toEqual([]);
    expect([...own.actions]).toEqual(['Mutation.sweep']);
  });
});
