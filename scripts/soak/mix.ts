/**
 * What the soak asks, in the proportions of a street office's day, and how it judges each answer:
 * complete, partial only for the department the soak killed (expected), or failed (anything else).
 */
import type { InterchangeRecord } from '@saf/interchange';

export type Kind = 'household picture' | 'person lookup' | 'proposed-award check';

const QUERIES: Record<Kind, string> = {
  'household picture': `query HouseholdPicture($id: ID!) {
    household(id: $id) {
      id regionCode
      members { id name gender birthDate deathDate relation }
      awards { id department programme personId amountFen frequency startDate endDate status }
      duplicateAidFindings { id rule awardIds status }
    }
  }`,
  'person lookup': `query PersonLookup($id: ID!) {
    person(id: $id) { id name birthDate household { id regionCode } awards { id department programme amountFen status } }
  }`,
  'proposed-award check': `query CheckProposal($award: ProposedAwardInput!) {
    checkProposedAward(award: $award) { id rule awardIds overlapStart overlapEnd explanation }
  }`,
};

const WEIGHTS: [Kind, number][] = [
  ['household picture', 0.55],
  ['person lookup', 0.3],
  ['proposed-award check', 0.15],
];

/** Programmes a caseworker checks before granting, with their department. */
const PROPOSALS = [
  { department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_URBAN', amountFen: 62_000 },
  { department: 'CIVIL_AFFAIRS', programme: 'TEMPORARY_ASSISTANCE', amountFen: 150_000, frequency: 'ONCE' },
  { department: 'HOUSING', programme: 'RENTAL_SUBSIDY', amountFen: 40_000 },
  { department: 'DISABLED_PERSONS_FEDERATION', programme: 'DISABILITY_LIVING_SUBSIDY', amountFen: 10_000 },
  { department: 'LABOUR', programme: 'PUBLIC_WELFARE_JOB', amountFen: 180_000 },
];

export interface Population {
  households: string[];
  persons: { id: string; householdId: string; regionCode: string }[];
}

export function population(records: Iterable<InterchangeRecord>): Population {
  const regions = new Map<string, string>();
  const out: Population = { households: [], persons: [] };
  for (const r of records) {
    if (r.type === 'household') {
      out.households.push(r.id);
      regions.set(r.id, r.regionCode);
    } else if (r.type === 'person' && !r.deathDate) {
      out.persons.push({ id: r.id, householdId: r.householdId, regionCode: regions.get(r.householdId) ?? '654002' });
    }
  }
  return out;
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

export function nextRequest(pop: Population): { kind: Kind; body: string } {
  let roll = Math.random();
  const kind = WEIGHTS.find(([, w]) => (roll -= w) < 0)?.[0] ?? 'household picture';
  if (kind === 'household picture') return { kind, body: JSON.stringify({ query: QUERIES[kind], variables: { id: pick(pop.households) } }) };
  const person = pick(pop.persons);
  if (kind === 'person lookup') return { kind, body: JSON.stringify({ query: QUERIES[kind], variables: { id: person.id } }) };
  const p = pick(PROPOSALS);
  const award = { department: p.department, programme: p.programme, personId: person.id, householdId: person.householdId, regionCode: person.regionCode, amountFen: p.amountFen, frequency: p.frequency ?? 'MONTHLY', startDate: new Date().toISOString().slice(0, 10) };
  return { kind, body: JSON.stringify({ query: QUERIES[kind], variables: { award } }) };
}

const SUBGRAPH_CODES = new Set(['SUBGRAPH_UNAVAILABLE', 'SUBGRAPH_TIMEOUT', 'SUBGRAPH_ERROR']);
const LEAK = /127\.0\.0\.1|localhost:|ECONN|stack|at .*\.ts:\d+/;

export type Verdict = { outcome: 'ok' } | { outcome: 'partial'; reason: string } | { outcome: 'failed'; reason: string };

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message?: string; extensions?: { code?: string; serviceName?: string; services?: string[] } }[];
}

const ROOT_FIELD: Record<Kind, string> = { 'household picture': 'household', 'person lookup': 'person', 'proposed-award check': 'checkProposedAward' };

/**
 * A partial answer is expected when every error names the killed department (as the missing
 * service, or among the services a check needed) with a subgraph code, and the rest answered:
 * the household or person is there (a proposal check is refused whole: it needs every department).
 */
export function judge(kind: Kind, status: number, text: string, killed: string): Verdict {
  if (status !== 200) return { outcome: 'failed', reason: `HTTP ${status}` };
  let answer: Answer;
  try {
    answer = JSON.parse(text) as Answer;
  } catch {
    return { outcome: 'failed', reason: 'not JSON' };
  }
  const root = answer.data?.[ROOT_FIELD[kind]];
  if (!answer.errors?.length) return root === null || root === undefined ? { outcome: 'failed', reason: `${kind}: empty answer` } : { outcome: 'ok' };
  if (LEAK.test(JSON.stringify(answer.errors))) return { outcome: 'failed', reason: 'internal detail in an error' };
  for (const e of answer.errors) {
    const code = e.extensions?.code ?? 'no code';
    const names = e.extensions?.serviceName === killed || e.extensions?.services?.includes(killed);
    if (!SUBGRAPH_CODES.has(code) || !names) return { outcome: 'failed', reason: `${code} from ${e.extensions?.serviceName ?? 'the gateway'}` };
  }
  if (kind !== 'proposed-award check' && (root === null || root === undefined)) return { outcome: 'failed', reason: `${kind}: blank while only ${killed} was missing` };
  return { outcome: 'partial', reason: answer.errors[0]!.extensions!.code! };
}
