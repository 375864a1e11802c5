import { MAX_SWEEP_BATCH, SWEEP_AWARD_COLUMNS, type SweepRows } from '@saf/interchange';
import { assertMaySweep, badInput } from '@saf/service';
import type { DepartmentContext } from './server.ts';

/**
 * A page of a duplicate-aid sweep (`SweepBatch`) as the gateway hands it to a department: the
 * region, households and persons civil affairs listed for it (jurisdiction was checked there, on
 * the region; clients cannot send representations, only the gateway can).
 */
export interface SweepBatchRef {
  id: string;
  regionCode: string;
  householdIds: string[];
  personIds: string[];
}

/**
 * `SweepBatch.<department>Awards`: the department's awards of the batch's persons and households
 * in compact rows, one SQL query. The caller is checked again here (a sweeping role, within the
 * batch's region) and the batch's size bounded.
 */
export function sweepBatchAwards(batch: SweepBatchRef, _: unknown, ctx: DepartmentContext): Promise<SweepRows<typeof SWEEP_AWARD_COLUMNS>> {
  assertMaySweep(ctx.caller, batch.regionCode);
  if (batch.householdIds.length > MAX_SWEEP_BATCH || batch.personIds.length > MAX_SWEEP_BATCH * 20) {
    throw badInput(`a sweep batch holds at most ${MAX_SWEEP_BATCH} households`, 'householdIds');
  }
  return ctx.loaders.awards.sweep(batch.personIds, batch.householdIds);
}

/** The resolvers of `SweepBatch` in a department subgraph, its awards under `field` (e.g. `labourAwards`). */
export function sweepBatchResolvers(field: string) {
  return {
    __resolveReference: (ref: SweepBatchRef) => ref,
    [field]: sweepBatchAwards,
  };
}
