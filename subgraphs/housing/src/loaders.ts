import type { DepartmentContext } from '@saf/department';
import type { createPropertyLoader } from './db/properties.ts';

export type Context = DepartmentContext<{ properties: ReturnType<typeof createPropertyLoader> }>;
