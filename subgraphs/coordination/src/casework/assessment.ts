import { GraphQLError } from 'graphql';
import type { Caller } from '@saf/auth';
import { departments, programme as programmeInfo, type Department } from '@saf/programmes';
import { evaluateMeans } from '@saf/rules';
import { forbidden } from '@saf/service';
import { todayInChina } from '@saf/department';
import type { Context } from '../context.ts';
import { GraphRequestError } from '../graph.ts';
import { checkProposedAward } from '../proposal.ts';
import { readVehicles, withVehicles } from './vehicles.ts';

/**
 * The economic assessment (核对, SPEC section 10), assembled through the graph as the caller
 * (so the gateway logs the read under them, with their purpose): members and the local standard
 * from civil affairs, incomes from labour, properties from housing, evaluated against the
 * conditions in force; and the duplicate-aid findings the award would cause.
 */
export const MEANS = `query CaseworkMeans($householdId: ID!, $date: String) {
  household(id: $householdId) {
    id regionCode hukou
    assistanceStandards(date: $date) { programme monthlyFen }
    members { id name relation deathDate incomes { monthlyFen startDate endDate } properties { kind acquiredDate disposedDate } }
  }
}`;

export interface MeansMemberData {
  id: string;
  name: string | null;
  relation: string | null;
  deathDate: string | null;
  incomes: { monthlyFen: number; startDate: string; endDate: string | null }[] | null;
  properties: { kind: string; acquiredDate: string; disposedDate: string | null }[] | null;
}
export interface MeansHousehold {
  id: string;
  regionCode: string;
  hukou: string | null;
  assistanceStandards: { programme: string; monthlyFen: number }[] | null;
  members: MeansMemberData[];
}

/** As stored with the application and in each event of its archive. */
export interface Assessment {
  date: string;
  complete: boolean;
  missingDepartments: Department[];
  householdSize: number;
  incomePerHeadFen: number | null;
  standardFen: number | null;
  eligible: boolean | null;
  reasons: string[];
  /** 低保: (standard − income per head) a month, per member, when eligible. */
  gapFen: number | null;
  /** The version of the eligibility conditions applied. */
  rulesVersion: number;
  /** The members alive on the day (a 低保 approval creates an award for each). */
  memberIds: string[];
}

const BY_SUBGRAPH = new Map(departments.map((d) => [d.subgraph, d.code]));

export function departmentsOf(errors: { extensions?: { serviceName?: string; services?: unknown } }[]): Department[] {
  const names = errors.flatMap((e) => [e.extensions?.serviceName, ...(Array.isArray(e.extensions?.services) ? (e.extensions.services as string[]) : [])]);
  return [...new Set(names.flatMap((n) => (n && BY_SUBGRAPH.has(n) ? [BY_SUBGRAPH.get(n)!] : [])))];
}

const HIDDEN = 'this household is outside your jurisdiction or not registered';

/** The household's means as the caller reads them; a department that did not answer is named, its part null. */
export async function readMeans(ctx: Context, householdId: string, date: string): Promise<{ household: MeansHousehold | null; missing: Department[] }> {
  try {
    const data = await ctx.graph.request<{ household: MeansHousehold | null }>(MEANS, { householdId, date }, ctx.caller!, ctx.purpose);
    if (!data.household) throw forbidden(HIDDEN);
    return { household: data.household, missing: [] };
  } catch (err) {
    if (!(err instanceof GraphRequestError)) throw err;
    if (err.errors.some((e) => e.extensions?.code === 'FORBIDDEN')) throw forbidden(HIDDEN);
    const missing = departmentsOf(err.errors);
    if (!missing.length) throw err;
    const household = (err.data as { household?: MeansHousehold | null } | undefined)?.household ?? null;
    return { household, missing: household ? missing : [...new Set<Department>(['CIVIL_AFFAIRS', ...missing])] };
  }
}

export interface AssembleInput {
  householdId: string;
  personId: string;
  programme: string;
  amountFen: number | null;
}

/**
 * Reads the means and evaluates them; then the findings the award would cause. Civil affairs
 * missing leaves no household to assess (`household` null). A missing part is named in
 * `missingDepartments`, and the assessment is not `complete`.
 */
export async function assemble(ctx: Context, input: AssembleInput, viewer?: Caller): Promise<{ household: MeansHousehold | null; assessment: Assessment; findings: unknown[] }> {
  const date = todayInChina();
  const { rules, version } = await ctx.eligibility.current();
  // 公安's part (vehicles.ts) is read beside the departments' and added at the end.
  const [{ household, missing }, vehiclePart] = await Promise.all([readMeans(ctx, input.householdId, date), readVehicles(ctx, input.householdId)]);
  // Without civil affairs there is no household to evaluate: nothing is concluded.
  const evaluation = household
    ? evaluateMeans(rules, { programme: input.programme, date, hukou: household.hukou, members: household.members, standards: household.assistanceStandards })
    : { householdSize: 0, incomePerHeadFen: null, standardFen: null, eligible: null, reasons: [], gapFen: null };
  const info = programmeInfo(input.programme)!;
  let findings: unknown[] = [];
  const findingsMissing: Department[] = [];
  if (household) {
    // 低保's unit is the household: its approval pays every member alive, so each one's award is checked.
    const living = household.members.filter((m) => m.deathDate === null || m.deathDate > date).map((m) => m.id);
    const recipients = rules.programmes[input.programme]?.gapAmount ? [input.personId, ...living.filter((id) => id !== input.personId)] : [input.personId];
    const seen = new Set<string>();
    try {
      for (const personId of recipients) {
        const found = await checkProposedAward(ctx, {
          department: info.department,
          programme: input.programme,
          personId,
          householdId: household.id,
          regionCode: household.regionCode,
          amountFen: evaluation.gapFen ?? input.amountFen ?? 0,
          frequency: info.repeatable ? 'ONCE' : 'MONTHLY',
          startDate: date,
        }, viewer);
        for (const f of found as { id: string }[]) {
          if (seen.has(f.id)) continue;
          seen.add(f.id);
          findings.push(f);
        }
      }
    } catch (err) {
      if (!(err instanceof GraphQLError) || err.extensions?.code !== 'SUBGRAPH_UNAVAILABLE') throw err;
      findingsMissing.push(...departmentsOf([err as { extensions?: { services?: unknown } }]));
    }
  }
  const missingDepartments = [...new Set([...missing, ...findingsMissing])].sort();
  const assessment: Assessment = {
    date,
    complete: missingDepartments.length === 0,
    missingDepartments,
    householdSize: evaluation.householdSize,
    incomePerHeadFen: evaluation.incomePerHeadFen,
    standardFen: evaluation.standardFen,
    eligible: missingDepartments.length && evaluation.eligible !== false ? null : evaluation.eligible,
    reasons: [...evaluation.reasons, ...missingDepartments.map((d) => `${d} 未答复：核对不完整，不能据此审批 (${d} did not answer: the assessment is incomplete)`)],
    gapFen: evaluation.gapFen,
    rulesVersion: version,
    memberIds: (household?.members ?? []).filter((m) => m.deathDate === null || m.deathDate > date).map((m) => m.id),
  };
  const withPart = withVehicles(assessment, household ? vehiclePart : { missing: '家庭未读到 (no household to assess)' }, rules.programmes[input.programme]?.vehicles);
  return { household, assessment: withPart, findings };
}

/**
 * The economic check again at 审批, assembled by the coordination office itself: the approving
 * officer may not read other departments' data, so the office reads as its own service identity
 * (named for the officer and the application, so the access log says who it acted for), carrying
 * the purpose the officer declared. The findings are kept as the officer may see them. What the
 * office reads here is what the decision rests on, and goes into the archive with it.
 */
export function officeFor(caller: Caller, applicationId: string): Caller {
  return { sub: `coordination office (approval of ${applicationId} for ${caller.sub})`.slice(0, 200), role: 'COORDINATOR' };
}

export async function assembleForApproval(ctx: Context, input: AssembleInput & { applicationId: string }) {
  const officer = ctx.caller!;
  return assemble({ ...ctx, caller: officeFor(officer, input.applicationId) }, input, officer);
}
