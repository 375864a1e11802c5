import { evaluateVehicles, type AssessedVehicle, type VehicleCondition } from '@saf/rules';
import type { Context } from '../context.ts';
import { GraphRequestError } from '../graph.ts';
import type { Assessment } from './assessment.ts';

/**
 * 公安's part of the economic assessment: the members' motor vehicles. 公安 runs its own service
 * outside this repository and may not be in the graph at all (not published to the registry) or
 * may be down, so the coordination office cannot `@requires` its field: it asks the gateway
 * separately, as the caller (as the rest of the assessment), and an unknown field, a failed
 * service or a refused read makes the part missing, named in `missingParts`. Whether a missing
 * part blocks an approval is the vehicle condition's `required` (packages/rules/src/vehicles.ts).
 */
export const VEHICLE_SERVICE = 'public-security';

export const VEHICLES = `query CaseworkVehicles($householdId: ID!) {
  household(id: $householdId) { members { id vehicles { plate kind registeredOn estimatedValueFen } } }
}`;

export type VehiclePart = { vehicles: AssessedVehicle[] } | { missing: string };

interface VehiclesData {
  household: { members: { id: string; vehicles: Omit<AssessedVehicle, 'personId'>[] | null }[] } | null;
}

/** Why the part is missing, in a line (Chinese first). */
function whyMissing(err: GraphRequestError): string {
  if (err.errors.some((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED')) return '公安未接入数据共享平台 (public security is not in the graph)';
  if (err.errors.some((e) => e.extensions?.code === 'FORBIDDEN')) return '无权读取公安车辆信息 (the vehicles are not shared with this office)';
  if (err.errors.some((e) => e.extensions?.serviceName === VEHICLE_SERVICE)) return '公安未答复 (public security did not answer)';
  return `车辆信息未读到 (the vehicles were not read: ${err.message})`;
}

/** The household's vehicles as the caller reads them through the graph, or why they are missing. */
export async function readVehicles(ctx: Context, householdId: string): Promise<VehiclePart> {
  try {
    const data = await ctx.graph.request<VehiclesData>(VEHICLES, { householdId }, ctx.caller!, ctx.purpose);
    const members = data.household?.members ?? null;
    if (!members || members.some((m) => m.vehicles === null)) return { missing: '公安未答复 (public security did not answer)' };
    return { vehicles: members.flatMap((m) => m.vehicles!.map((v) => ({ personId: m.id, ...v }))) };
  } catch (err) {
    if (err instanceof GraphRequestError) return { missing: whyMissing(err) };
    throw err;
  }
}

/** What the vehicle part adds to the assessment (kept with it in the archive). */
export interface VehicleAssessment {
  /** The living members' vehicles; null when 公安's part is missing. */
  vehicles: AssessedVehicle[] | null;
  /** Parts from services outside the departments that are missing (`public-security`). */
  missingParts: string[];
  /** Those of them the conditions require: what makes the assessment incomplete (a refusal names these, not the others). */
  blockingParts?: string[];
}

/**
 * The assessment with 公安's part: the vehicles of the members alive on the day, the condition's
 * outcome among the reasons; a missing part named, and, when the condition requires it, the
 * assessment incomplete with no conclusion but a refusal already found (as a missing department).
 */
export function withVehicles(assessment: Assessment, part: VehiclePart, condition: VehicleCondition | undefined): Assessment & VehicleAssessment {
  if ('missing' in part) {
    const required = condition?.required === true;
    return {
      ...assessment,
      vehicles: null,
      missingParts: [VEHICLE_SERVICE],
      blockingParts: required ? [VEHICLE_SERVICE] : [],
      complete: assessment.complete && !required,
      eligible: required && assessment.eligible !== false ? null : assessment.eligible,
      reasons: [...assessment.reasons, `车辆未核对：${part.missing}${required ? '，核对不完整，不能据此审批 (the assessment is incomplete)' : ''}`],
    };
  }
  const living = new Set(assessment.memberIds);
  const vehicles = part.vehicles.filter((v) => living.has(v.personId));
  const outcome = evaluateVehicles(condition, vehicles, assessment.date);
  const refused = outcome.met === false;
  return {
    ...assessment,
    vehicles,
    missingParts: [],
    blockingParts: [],
    eligible: refused ? false : assessment.eligible,
    gapFen: refused ? null : assessment.gapFen,
    reasons: [...assessment.reasons, ...outcome.reasons],
  };
}

/** Assessments archived before 公安's part existed answer as "not asked": no vehicles, nothing missing. */
export const EconomicAssessmentVehicles = {
  vehicles: (a: Partial<VehicleAssessment>) => a.vehicles ?? null,
  missingParts: (a: Partial<VehicleAssessment>) => a.missingParts ?? [],
};

/**
 * What makes an assessment incomplete, as a refusal names it: the departments that did not answer
 * and the outside services' parts the conditions require (a part missing but not required is shown
 * in `missingParts` and does not stop anything, so a refusal does not name it).
 */
export function missingNames(a: (Assessment & Partial<VehicleAssessment>) | null | undefined): string {
  return [...(a?.missingDepartments ?? []), ...(a?.blockingParts ?? [])].join(', ') || 'none assembled';
}
