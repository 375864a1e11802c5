import { assertPersonLevel } from '@saf/service';
import type { Context } from '../context.ts';
import { personFindings } from '../live.ts';
import { livePaymentFindings } from '../payments/live.ts';
import { assertMayReadPaymentFindings, paymentFindingFor } from '../payments/view.ts';
import { gatherAwards, type PersonRepresentation, type WithAwards } from '../requires.ts';

export const Person = {
  __resolveReference: (ref: WithAwards) => ref,
  awards: (p: WithAwards, _: unknown, ctx: Context) => {
    assertPersonLevel(ctx.caller);
    return gatherAwards([p]);
  },
  duplicateAidFindings: (p: PersonRepresentation, _: unknown, ctx: Context) => {
    assertPersonLevel(ctx.caller);
    return personFindings(ctx, p);
  },
  /**
   * The person's payment findings live (payments/live.ts), as the caller may see them (civil
   * affairs has checked the person is theirs to see). A person of no household: the standing ones.
   */
  paymentFindings: async (p: { id: string; household?: { id: string; regionCode?: string | null } | null }, args: { period?: string | null }, ctx: Context) => {
    const caller = assertMayReadPaymentFindings(ctx.caller);
    if (p.household) return livePaymentFindings(ctx, p.household, { personId: p.id, period: args.period ?? null });
    const rows = await ctx.loaders.paymentFindingsOfPerson.load(p.id);
    return rows.filter((r) => !args.period || r.period === args.period).flatMap((row) => paymentFindingFor(caller, row, ctx.maskKey) ?? []);
  },
};
