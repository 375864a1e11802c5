import type { DepartmentContext } from '@saf/department';

export const Household = {
  __resolveReference: (ref: { id: string }) => ref,
  housingAwards: (h: { id: string }, _: unknown, ctx: DepartmentContext) => ctx.loaders.awards.byHousehold.load(h.id),
};
