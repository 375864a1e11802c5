import type { z } from 'zod';
import { quickRecord } from './quick.ts';
import { RECORD_TYPES, awardRecord, disabilityCertificateRecord, householdRecord, personRecord, type InterchangeRecord } from './records.ts';

export interface LineError {
  line: number;
  /** The field at fault, dotted for nested ones; `(line)` when the line as a whole is. */
  field: string;
  message: string;
}

export type LineResult = { ok: true; record: InterchangeRecord } | { ok: false; errors: LineError[] };

const schemas: Record<string, z.ZodType<InterchangeRecord>> = {
  household: householdRecord as z.ZodType<InterchangeRecord>,
  person: personRecord as z.ZodType<InterchangeRecord>,
  award: awardRecord as z.ZodType<InterchangeRecord>,
  disabilityCertificate: disabilityCertificateRecord as z.ZodType<InterchangeRecord>,
};

/** Validates one parsed object as an interchange record. */
export function validateRecord(value: unknown, line: number): LineResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, errors: [{ line, field: '(line)', message: 'must be a JSON object' }] };
  }
  // Plainly valid records (nearly all of a load) without the schemas' machinery; the schemas
  // decide the rest and name what is wrong.
  const quick = quickRecord(value);
  if (quick) return { ok: true, record: quick };
  const type = (value as { type?: unknown }).type;
  const schema = typeof type === 'string' ? schemas[type] : undefined;
  if (!schema) {
    return { ok: false, errors: [{ line, field: 'type', message: `must be one of ${RECORD_TYPES.join(', ')}, got ${JSON.stringify(type)}` }] };
  }
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, record: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => ({
      line,
      field: issue.path.join('.') || '(line)',
      message: issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message,
    })),
  };
}

/** Parses and validates one NDJSON line (1-based `line`). */
export function validateLine(text: string, line: number): LineResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [{ line, field: '(line)', message: `malformed JSON: ${(err as Error).message}` }] };
  }
  return validateRecord(value, line);
}

export function formatLineError(e: LineError): string {
  return `line ${e.line}: ${e.field}: ${e.message}`;
}
