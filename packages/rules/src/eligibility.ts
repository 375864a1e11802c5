import { z } from 'zod';
import { programme } from '@saf/programmes';
import eligibilityJson from '../eligibility.json' with { type: 'json' };
import { vehicleConditionSchema } from './vehicles.ts';

/**
 * Eligibility conditions (资格条件) of the economic check (核对, SPEC section 10), held as data the
 * coordination office changes (versioned, like the duplicate-aid rule set), and the pure
 * evaluation of a household's means against them.
 */

/** The 低保 programme by the household's hukou (urban or rural): the standard 特困 is measured against. */
export const BY_HUKOU = 'MINIMUM_LIVING_BY_HUKOU';
const PROPERTY_KINDS = ['RESIDENTIAL', 'COMMERCIAL', 'LAND', 'VEHICLE_PARKING'] as const;

const programmeCode = z.string().refine((code) => !!programme(code), { message: 'unknown programme' });

const conditionsSchema = z.strictObject({
  /** Income per head must be strictly below the standard of this programme (or BY_HUKOU); null: no income condition. */
  incomeBelowStandard: z.union([programmeCode, z.literal(BY_HUKOU)]).nullable(),
  /** No member may hold property of these kinds on the date. */
  forbiddenPropertyKinds: z.array(z.enum(PROPERTY_KINDS)),
  /** The whole household holds at most this many residences on the date; null: no limit. */
  maxResidences: z.number().int().min(0).nullable(),
  /** The award is the gap, (standard − income per head) a month, for each member (低保). */
  gapAmount: z.boolean(),
  /** Motor vehicles held by the members (公安's part, vehicles.ts); absent: no vehicle condition. */
  vehicles: vehicleConditionSchema.optional(),
});

export const eligibilityRulesSchema = z.strictObject({
  /** Programmes whose application needs the household's written authorisation (授权书) for the check. */
  consentRequired: z.array(programmeCode),
  /** Programmes with economic conditions, and those conditions. */
  programmes: z.record(programmeCode, conditionsSchema),
  basis: z.strictObject({ document: z.string().min(1), clause: z.string().min(1), quote: z.string().min(1) }),
});

export type EligibilityRules = z.infer<typeof eligibilityRulesSchema>;
export type EligibilityConditions = z.infer<typeof conditionsSchema>;

/** Throws with the path and the problem of each mistake. */
export function parseEligibilityRules(input: unknown): EligibilityRules {
  const result = eligibilityRulesSchema.safeParse(input);
  if (result.success) return result.data;
  throw new Error(result.error.issues.map((i) => `${i.path.join('.') || '(rules)'}: ${i.message}`).join('; '));
}

export const defaultEligibilityRules: EligibilityRules = parseEligibilityRules(eligibilityJson);

export interface MeansMember {
  id: string;
  deathDate: string | null;
  /** Null when labour did not answer. */
  incomes: { monthlyFen: number; startDate: string; endDate: string | null }[] | null;
  /** Null when housing did not answer. */
  properties: { kind: string; acquiredDate: string; disposedDate: string | null }[] | null;
}

export interface MeansInput {
  programme: string;
  date: string;
  hukou: string | null;
  members: MeansMember[];
  /** The standards in force for the household's place on the date; null when civil affairs did not answer. */
  standards: { programme: string; monthlyFen: number }[] | null;
}

export interface Evaluation {
  householdSize: number;
  incomePerHeadFen: number | null;
  standardFen: number | null;
  /** Null when a condition could not be evaluated (a department missing) or the programme has none. */
  eligible: boolean | null;
  reasons: string[];
  /** For a gap programme that is eligible: (standard − income per head) a month, per member. */
  gapFen: number | null;
}

const covers = (start: string, end: string | null, day: string) => start <= day && (end === null || end >= day);
const yuan = (fen: number) => `${(fen / 100).toFixed(2)} 元`;

/**
 * The household's means on `date` against the programme's conditions. Members alive on the day
 * count; income per head is their incomes whose period covers the day, summed, over them,
 * rounded down to the fen (which keeps "strictly below" exact against a whole-fen standard).
 */
export function evaluateMeans(rules: EligibilityRules, input: MeansInput): Evaluation {
  const living = input.members.filter((m) => m.deathDate === null || m.deathDate > input.date);
  const householdSize = living.length;
  const incomesKnown = living.every((m) => m.incomes !== null);
  const total = incomesKnown ? living.reduce((sum, m) => sum + m.incomes!.filter((i) => covers(i.startDate, i.endDate, input.date)).reduce((s, i) => s + i.monthlyFen, 0), 0) : null;
  const incomePerHeadFen = total !== null && householdSize > 0 ? Math.floor(total / householdSize) : null;
  const conditions = rules.programmes[input.programme];
  const standardProgramme = conditions?.incomeBelowStandard === BY_HUKOU ? (input.hukou === 'RURAL' ? 'MINIMUM_LIVING_RURAL' : 'MINIMUM_LIVING_URBAN') : (conditions?.incomeBelowStandard ?? null);
  const standardFen = standardProgramme ? (input.standards?.find((s) => s.programme === standardProgramme)?.monthlyFen ?? null) : null;
  if (!conditions) return { householdSize, incomePerHeadFen, standardFen, eligible: null, reasons: ['该项目无经济条件 (no economic conditions for this programme)'], gapFen: null };

  const reasons: string[] = [];
  const verdicts: (boolean | null)[] = [];
  if (householdSize === 0) {
    reasons.push('家庭无在世成员 (no living member)');
    verdicts.push(false);
  }
  if (standardProgramme) {
    if (incomePerHeadFen === null) {
      reasons.push('收入未知：人社未答复 (incomes unknown: labour did not answer)');
      verdicts.push(null);
    } else if (input.standards === null) {
      reasons.push('保障标准未知：民政未答复 (standard unknown: civil affairs did not answer)');
      verdicts.push(null);
    } else if (standardFen === null) {
      reasons.push(`当地无 ${standardProgramme} 保障标准 (no standard in force for the place on ${input.date})`);
      verdicts.push(false);
    } else {
      const below = incomePerHeadFen < standardFen;
      reasons.push(`人均月收入 ${yuan(incomePerHeadFen)} ${below ? '低于' : '不低于'}保障标准 ${yuan(standardFen)} (income per head ${below ? 'below' : 'not below'} the standard)`);
      verdicts.push(below);
    }
  }
  const held = (kind: string) => (input.members.every((m) => m.properties !== null) ? living.flatMap((m) => m.properties!.filter((p) => p.kind === kind && covers(p.acquiredDate, p.disposedDate, input.date))) : null);
  for (const kind of conditions.forbiddenPropertyKinds) {
    const list = held(kind);
    if (list === null) {
      reasons.push('财产未知：住建未答复 (properties unknown: housing did not answer)');
      verdicts.push(null);
      break;
    }
    if (list.length) {
      reasons.push(`家庭成员持有 ${kind === 'COMMERCIAL' ? '商业用房' : kind} ${list.length} 处 (a member holds ${kind} property)`);
      verdicts.push(false);
    }
  }
  if (conditions.maxResidences !== null) {
    const list = held('RESIDENTIAL');
    if (list === null) {
      if (!reasons.some((r) => r.startsWith('财产未知'))) reasons.push('财产未知：住建未答复 (properties unknown: housing did not answer)');
      verdicts.push(null);
    } else if (list.length > conditions.maxResidences) {
      reasons.push(`家庭住房 ${list.length} 套，超过 ${conditions.maxResidences} 套 (more residences than allowed)`);
      verdicts.push(false);
    }
  }
  const eligible = verdicts.includes(false) ? false : verdicts.includes(null) ? null : true;
  const gapFen = conditions.gapAmount && eligible && standardFen !== null && incomePerHeadFen !== null ? standardFen - incomePerHeadFen : null;
  return { householdSize, incomePerHeadFen, standardFen, eligible, reasons, gapFen };
}
