import { personAwards } from '@saf/department';
import { assertPersonLevel } from '@saf/service';
import type { Context } from '../loaders.ts';

/** Any resident ID is a valid reference here: a person without records has an empty list. */
export const Person = {
  __resolveReference: (ref: { id: string }) => ref,
  disabilityAwards: personAwards,
  disabilityCertificates: (p: { id: string }, _: unknown, ctx: Context) => {
    assertPersonLevel(ctx.caller);
    return ctx.loaders.certificates.load(p.id);
  },
};
