import { assertPersonLevel } from '@saf/service';
import type { Context } from '../context.ts';
import { householdFindings } from '../live.ts';
import { livePaymentFindings } from '../payments/live.ts';
import { gatherAwards, type HouseholdRepresentation, type HouseholdFacts } from '../requires.ts';

export const Household = {
  __resolveReference: (ref: HouseholdRepresentation) => ref,
  awards: (h: HouseholdRepresentation, _: unknown, ctx: Context) => {
    assertPersonLevel(ctx.caller);
    return gatherAwards([h, ...(h.members ?? [])]);
  },
  /** The household's payment findings live (payments/live.ts). */
  paymentFindings: (h: HouseholdFacts, args: { period?: string | null }, ctx: Context) => livePaymentFindings(ctx, { id: h.id, regionCode: h.regionCode ?? null }, { period: args.period ?? null }),
  duplicateAidFindings: (h: HouseholdFacts, _: unknown, ctx: Context) => {
    assertPersonLevel(ctx.caller);
    return householdFindings(ctx, h);
  },
};
