import type { DepartmentContext } from '@saf/department';

export const Query = {
  disabilityAward: (_: unknown, { id }: { id: string }, ctx: DepartmentContext) => ctx.loaders.awards.byId.load(id),
};
