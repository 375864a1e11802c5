/**
 * Sharing agreements for the end-to-end tests (SPEC section 12): one office asks for another
 * department's fields, the owner's officer approves.
 */
import { expect } from 'vitest';
import type { Caller } from '@saf/auth';
import type { System } from './system.ts';

/** A month from today, as `validUntil` takes it. */
export const aMonthFromNow = (): string => new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

/**
 * `requester` asks for health's awards of a person for `purpose` (until `validUntil`, a date or a
 * moment), `owner` (health's officer) approves; the agreement's id.
 */
export async function agreeHealthAwards(system: System, requester: Caller, owner: Caller, purpose: string, validUntil: string = aMonthFromNow()): Promise<string> {
  const asked = await system.query(
    'mutation ($input: SharingRequestInput!) { requestSharing(input: $input) { id } }',
    { input: { owner: 'HEALTH', coordinates: ['Person.healthAwards', 'HealthAward.*'], purpose, legalBasis: '《社会救助暂行办法》第四十二条', validUntil } },
    { caller: requester, headers: { 'x-purpose': purpose } },
  );
  expect(asked.errors).toBeUndefined();
  const id = asked.data!.requestSharing.id as string;
  const decided = await system.query('mutation ($id: ID!) { decideSharing(id: $id, approve: true, note: "同意") { status } }', { id }, { caller: owner });
  expect(decided.errors).toBeUndefined();
  return id;
}
