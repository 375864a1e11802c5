import type { Context } from '../loaders.ts';

/** Any resident ID is a valid reference here: a person without 残联 records has an empty list. */
export const Person = {
  __resolveReference: (ref: { id: string }) => ref,
  disabilityAwards: (p: { id: string }, _: unknown, ctx: Context) => ctx.loaders.awards.byPerson.load(p.id),
  disabilityCertificates: (p: { id: string }, _: unknown, ctx: Context) => ctx.loaders.certificates.load(p.id),
};
