import { personAwards } from '@saf/department';
import { assertMayReadMeans } from '@saf/service';
import type { Context } from '../loaders.ts';

/** Any resident ID is a valid reference here: a person without records has an empty list. */
export const Person = {
  __resolveReference: (ref: { id: string }) => ref,
  housingAwards: personAwards,
  properties: (p: { id: string }, _: unknown, ctx: Context) => {
    assertMayReadMeans(ctx.caller, 'HOUSING', 'properties');
    return ctx.loaders.properties.load(p.id);
  },
};
