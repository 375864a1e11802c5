import { assertPersonLevel } from '@saf/service';
import type { Context } from '../context.ts';
import { personFindings } from '../live.ts';
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
   * The standing payment findings naming the person, as the last payment sweep of each month left
   * them, as the caller may see them (civil affairs has checked the person is theirs to see).
   */
  paymentFindings: async (p: { id: string }, _: unknown, ctx: Context) => {
    const caller = assertMayReadPaymentFindings(ctx.caller);
    const rows = await ctx.loaders.paymentFindingsOfPerson.load(p.id);
    return rows.flatMap((row) => paymentFindingFor(caller, row, ctx.maskKey) ?? []);
  },
};
