import { describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import type { PaymentFindingRow } from '../src/db/schema.ts';
import { paymentFindingFor } from '../src/payments/view.ts';

const key = Buffer.alloc(32, 7);
// One account paying three households: civil affairs paid P1 (伊宁市) and P2 (察布查尔县), labour paid P3 (伊宁市).
const shared: PaymentFindingRow = {
  id: 'PF-0123456789abcdef', rule: 'SHARED_ACCOUNT', period: '2025-06', regionCode: '654002001', personIds: ['P1', 'P2', 'P3'], householdIds: ['H1', 'H2', 'H3'],
  awardIds: ['CA-1', 'CA-2', 'LB-3'], awardKeys: ['CIVIL_AFFAIRS:CA-1', 'CIVIL_AFFAIRS:CA-2', 'LABOUR:LB-3'], paymentIds: ['MZ-1', 'MZ-2', 'RS-3'],
  paymentKeys: ['CIVIL_AFFAIRS:MZ-1', 'CIVIL_AFFAIRS:MZ-2', 'LABOUR:RS-3'], departments: ['CIVIL_AFFAIRS', 'LABOUR'], accountLast4: '3333',
  explanation: '账户 **** 3333 …', explanationEn: 'Account **** 3333 …',
  parties: [
    { personId: 'P1', regionCode: '654002001', paymentKeys: ['CIVIL_AFFAIRS:MZ-1'], awardKeys: ['CIVIL_AFFAIRS:CA-1'] },
    { personId: 'P2', regionCode: '654022100', paymentKeys: ['CIVIL_AFFAIRS:MZ-2'], awardKeys: ['CIVIL_AFFAIRS:CA-2'] },
    { personId: 'P3', regionCode: '654002002', paymentKeys: ['LABOUR:RS-3'], awardKeys: ['LABOUR:LB-3'] },
  ],
  status: 'OPEN', firstSeenAt: '2025-07-01 00:00:00+00', lastSeenAt: '2025-07-01 00:00:00+00', goneAt: null, lastSweepId: 'PS-1',
};

describe('what of a payment finding a caller sees', () => {
  it('the coordination office without a region: all of it', () => {
    expect(paymentFindingFor({ sub: 'k', role: 'COORDINATOR' }, shared, key)).toMatchObject({ id: shared.id, personIds: ['P1', 'P2', 'P3'], masked: false });
  });

  it('an officer: the persons their department paid, the rest withheld, an id of its own, where the others live', () => {
    const labour = paymentFindingFor({ sub: 'l', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' }, shared, key)!;
    expect(labour).toMatchObject({ personIds: ['P3'], paymentIds: ['RS-3'], awardIds: ['LB-3'], departments: ['LABOUR'], householdIds: [], masked: true, outsideJurisdiction: ['654002', '654022'] });
    expect(labour.id).toMatch(/^FM-/);
    expect(labour.id).not.toBe(shared.id);
    expect(JSON.stringify({ ...labour, storedId: undefined })).not.toMatch(/P1|P2|MZ-|CA-1|H1/);
    const civil = paymentFindingFor({ sub: 'm', role: 'DEPARTMENT_OFFICER', department: 'CIVIL_AFFAIRS' }, shared, key)!;
    expect(civil.personIds).toEqual(['P1', 'P2']);
  });

  it('a coordinator with a region: the persons living in it; an officer of a department not in it: nothing', () => {
    const county = paymentFindingFor({ sub: 'k', role: 'COORDINATOR', region: '654002' } as Caller, shared, key)!;
    expect(county.personIds).toEqual(['P1', 'P3']);
    expect(county.outsideJurisdiction).toEqual(['654022']);
    expect(paymentFindingFor({ sub: 'h', role: 'DEPARTMENT_OFFICER', department: 'HEALTH' }, shared, key)).toBeNull();
  });
});
