import type { Context } from '../context.ts';
import { personFindings } from '../live.ts';
import { gatherAwards, type PersonRepresentation, type WithAwards } from '../requires.ts';

export const Person = {
  __resolveReference: (ref: WithAwards) => ref,
  awards: (p: WithAwards) => gatherAwards([p]),
  duplicateAidFindings: (p: PersonRepresentation, _: unknown, ctx: Context) => personFindings(ctx, p),
};
