import type { DepartmentContext } from '@saf/department';
import type { createIncomeLoader } from './db/incomes.ts';

export type Context = DepartmentContext<{ incomes: ReturnType<typeof createIncomeLoader> }>;
