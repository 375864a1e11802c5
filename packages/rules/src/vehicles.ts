import { z } from 'zod';

/**
 * The vehicle condition of the economic check (核对): motor vehicles registered to the household's
 * members, as 公安 (public security, a service outside the platform's departments) answers them.
 * Data in the eligibility conditions (eligibility.json, `programmes.<code>.vehicles`), versioned
 * with them; a programme without it has no vehicle condition.
 */
export const vehicleConditionSchema = z.strictObject({
  /** At most this many vehicles (not counting the exempt kinds) in the whole household; null: no limit. */
  maxCount: z.number().int().min(0).nullable(),
  /** Their estimated values summed at most this, in fen; null: no limit. A vehicle without a value counts 0. */
  maxTotalValueFen: z.number().int().min(0).nullable(),
  /** Kinds as 公安 registers them (e.g. 残疾人机动轮椅车) that do not count. */
  exemptKinds: z.array(z.string().min(1)),
  /**
   * Whether the check needs 公安's answer: true, an assessment without it (公安 not in the graph,
   * or down) is incomplete and cannot support an approval, as for a department's missing part;
   * false, the missing part is named and the condition left out.
   */
  required: z.boolean(),
});

export type VehicleCondition = z.infer<typeof vehicleConditionSchema>;

export interface AssessedVehicle {
  personId: string;
  plate: string;
  kind: string;
  registeredOn: string;
  estimatedValueFen: number | null;
}

export interface VehicleEvaluation {
  /** False when the condition is not met; null when there is no condition. */
  met: boolean | null;
  reasons: string[];
}

const yuan = (fen: number) => `${(fen / 100).toFixed(2)} 元`;

/** The vehicles held on `date` (registered on or before it) against the condition. */
export function evaluateVehicles(condition: VehicleCondition | null | undefined, vehicles: readonly AssessedVehicle[], date: string): VehicleEvaluation {
  if (!condition) return { met: null, reasons: [] };
  const exempt = new Set(condition.exemptKinds);
  const counted = vehicles.filter((v) => v.registeredOn <= date && !exempt.has(v.kind));
  const total = counted.reduce((sum, v) => sum + (v.estimatedValueFen ?? 0), 0);
  const reasons: string[] = [];
  let met = true;
  if (condition.maxCount !== null && counted.length > condition.maxCount) {
    reasons.push(`家庭成员名下机动车 ${counted.length} 辆，超过 ${condition.maxCount} 辆 (more motor vehicles than allowed)`);
    met = false;
  }
  if (condition.maxTotalValueFen !== null && total > condition.maxTotalValueFen) {
    reasons.push(`机动车估值合计 ${yuan(total)}，超过 ${yuan(condition.maxTotalValueFen)} (vehicles worth more than allowed)`);
    met = false;
  }
  if (met) reasons.push(`家庭成员名下机动车 ${counted.length} 辆，符合条件 (vehicles within the condition)`);
  return { met, reasons };
}
