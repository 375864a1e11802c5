import type { DepartmentContext } from '@saf/department';

export const Query = {
  healthAward: (_: unknown, { id }: { id: string }, ctx: DepartmentContext) => ctx.loaders.awards.byId.load(id),
};
