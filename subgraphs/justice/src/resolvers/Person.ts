import type { DepartmentContext } from '@saf/department';

/** Any resident ID is a valid reference here: a person without 司法 records has an empty list. */
export const Person = {
  __resolveReference: (ref: { id: string }) => ref,
  justiceAwards: (p: { id: string }, _: unknown, ctx: DepartmentContext) => ctx.loaders.awards.byPerson.load(p.id),
};
