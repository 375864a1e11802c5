import { z } from 'zod';
import { DEPARTMENTS } from '@saf/programmes';
import { identifier, residentId, type AwardRecord } from './records.ts';
import type { LineError } from './validate.ts';

/**
 * INTERNAL, never a line of an interchange file: what the loader tells civil affairs of another
 * department's award, for its register of which department pays whom (`award_recipients`). The
 * award's identity, person and household only: no programme, amount, period or details.
 */
export const AWARD_RECIPIENT = 'awardRecipient';

export const awardRecipientRecord = z.strictObject({
  type: z.literal(AWARD_RECIPIENT),
  department: z.enum(DEPARTMENTS).refine((d) => d !== 'CIVIL_AFFAIRS', 'civil affairs keeps its own awards, not in the register'),
  id: identifier,
  personId: residentId,
  householdId: identifier.nullable(),
});
export type AwardRecipientRecord = z.infer<typeof awardRecipientRecord>;

/** The register's record of a (valid) award of another department than civil affairs. */
export function awardRecipientOf(award: AwardRecord): AwardRecipientRecord {
  const { department } = award;
  if (department === 'CIVIL_AFFAIRS') throw new Error('civil affairs keeps its own awards, not in the register');
  return { type: AWARD_RECIPIENT, department, id: award.id, personId: award.personId, householdId: award.householdId ?? null };
}

/** Validates what the loader sent as an award recipient; the errors name the line of the award. */
export function validateAwardRecipient(value: unknown, line: number): { ok: true; record: AwardRecipientRecord } | { ok: false; errors: LineError[] } {
  const result = awardRecipientRecord.safeParse(value);
  if (result.success) {
    const nul = Object.entries(result.data).find(([, v]) => typeof v === 'string' && v.includes('\u0000'));
    if (!nul) return { ok: true, record: result.data };
    return { ok: false, errors: [{ line, field: nul[0], message: 'holds the character U+0000 (NUL), which cannot be stored' }] };
  }
  return { ok: false, errors: result.error.issues.map((issue) => ({ line, field: issue.path.join('.') || '(line)', message: issue.message })) };
}
