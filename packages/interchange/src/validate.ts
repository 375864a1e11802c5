import type { z } from 'zod';
import { quickRecord } from './quick.ts';
import {
  RECORD_TYPES, awardRecord, bankAccountRecord, disabilityCertificateRecord, householdRecord, incomeRecord, maskDigitRuns, paymentRecord, personRecord, propertyRecord,
  standardRecord, type InterchangeRecord,
} from './records.ts';

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
  income: incomeRecord as z.ZodType<InterchangeRecord>,
  property: propertyRecord as z.ZodType<InterchangeRecord>,
  standard: standardRecord as z.ZodType<InterchangeRecord>,
  bankAccount: bankAccountRecord as z.ZodType<InterchangeRecord>,
  payment: paymentRecord as z.ZodType<InterchangeRecord>,
};

/**
 * Where the first U+0000 (NUL) is, as a dotted field, or null. JSON may carry it (`\u0000`);
 * PostgreSQL's text and jsonb cannot store it, so it is refused here, naming the field, rather
 * than by the database halfway through a load.
 */
function nulField(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(line)' : null;
  if (typeof value !== 'object' || value === null) return null;
  // for…in: a parsed record has only its own plain fields, and this runs for every record of a load.
  for (const key in value) {
    const inner = (value as Record<string, unknown>)[key];
    if (key.includes('\u0000')) return path ? `${path}.${key}` : key;
    if (typeof inner === 'string' ? inner.includes('\u0000') : typeof inner === 'object' && inner !== null) {
      const found = nulField(inner, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}

/** Validates one parsed object as an interchange record. */
export function validateRecord(value: unknown, line: number): LineResult {
  const result = checkRecord(value, line);
  const field = result.ok ? nulField(result.record, '') : null;
  return field ? { ok: false, errors: [{ line, field, message: 'holds the character U+0000 (NUL), which cannot be stored' }] } : result;
}

function checkRecord(value: unknown, line: number): LineResult {
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
    // The parser's message quotes the line: an account number in it is masked (SPEC section 11).
    return { ok: false, errors: [{ line, field: '(line)', message: `malformed JSON: ${maskDigitRuns((err as Error).message)}` }] };
  }
  return validateRecord(value, line);
}

export function formatLineError(e: LineError): string {
  return `line ${e.line}: ${e.field}: ${e.message}`;
}
