import { assertPersonLevel } from '@saf/service';
import type { Context } from '../context.ts';
import { personFindings } from '../live.ts';
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
};
