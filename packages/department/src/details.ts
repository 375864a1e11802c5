import type { z } from 'zod';
import type { InterchangeRecord, LineError } from '@saf/interchange';

/** Checks an award's `details` against the schema of its programme, naming the field at fault. */
export function detailsChecker(schemas: Record<string, z.ZodType>) {
  return (record: InterchangeRecord, line: number): LineError[] => {
    if (record.type !== 'award') return [];
    const schema = schemas[record.programme];
    if (!schema) return [];
    const result = schema.safeParse(record.details);
    if (result.success) return [];
    return result.error.issues.map((issue) => ({ line, field: ['details', ...issue.path].join('.'), message: issue.message }));
  };
}
