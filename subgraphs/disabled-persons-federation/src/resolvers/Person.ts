import { personAwards } from '@saf/department';
import { assertPersonLevel, forbidden } from '@saf/service';
import type { Context } from '../loaders.ts';

/** Any resident ID is a valid reference here: a person without records has an empty list. */
export const Person = {
  __resolveReference: (ref: { id: string }) => ref,
  disabilityAwards: personAwards,
  disabilityCertificates: (p: { id: string }, _: unknown, ctx: Context) => {
    const caller = assertPersonLevel(ctx.caller);
    // Category and grade are health data, and no other department's duplicate checks need them
    // (the rules compare programmes): like an award's details, they stay with the federation.
    if (caller.role === 'DEPARTMENT_OFFICER' && caller.department !== 'DISABLED_PERSONS_FEDERATION') {
      throw forbidden('disability certificates are for the disabled persons federation, caseworkers and the coordination office');
    }
    return ctx.loaders.certificates.load(p.id);
  },
};
