import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { makeResidentId } from '@saf/identity';
import { ingest, startSubgraph, type StartedSubgraph } from '@saf/testing';
import { createServer } from '../src/server.ts';

const head = makeResidentId('654002', '1970-03-15', 11);
const spouse = makeResidentId('654002', '1972-08-01', 22);
const other = makeResidentId('654002', '1990-01-01', 33);
const ACCOUNT = '6228480000000000017';
const account = (id: string, personId: string, holderId: string, accountNumber = ACCOUNT) => ({ type: 'bankAccount', id, department: 'CIVIL_AFFAIRS', personId, bank: '农村信用合作社', accountNumber, holderId });
const RECORDS = [
  { type: 'household', id: 'H-1', regionCode: '654002001001', hukou: 'URBAN' },
  { type: 'household', id: 'H-2', regionCode: '654002001001', hukou: 'URBAN' },
  { type: 'person', id: head, name: '阿依古丽', gender: 'MALE', birthDate: '1970-03-15', householdId: 'H-1', relation: 'HEAD', deathDate: null },
  { type: 'person', id: spouse, name: '古丽', gender: 'FEMALE', birthDate: '1972-08-01', householdId: 'H-1', relation: 'SPOUSE', deathDate: null },
  { type: 'person', id: other, name: '买买提', gender: 'MALE', birthDate: '1990-01-01', householdId: 'H-2', relation: 'HEAD', deathDate: null },
  { type: 'award', id: 'CA-1', department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_URBAN', personId: head, householdId: 'H-1', regionCode: '654002001001', amountFen: 56_000, frequency: 'MONTHLY', startDate: '2025-01-01', endDate: null, status: 'ACTIVE', details: {} },
  // Housing pays H-1's head: its officers read the household's accounts.
  { type: 'awardRecipient', department: 'HOUSING', id: 'ZJ-1', personId: head, householdId: 'H-1' },
  account('BA-1', head, spouse),
  account('BA-2', other, other, '6217000000000000999'),
  { type: 'payment', id: 'MZ-PAY-1', department: 'CIVIL_AFFAIRS', awardId: 'CA-1', personId: head, period: '2025-06', amountFen: 56_000, accountNumber: ACCOUNT, paidDate: '2025-06-10', status: 'PAID' },
];
const ACCOUNTS = '{ id personId bank accountNumber holderId }';
const entities = (sg: StartedSubgraph, id: string, caller: Caller, fields = `bankAccounts ${ACCOUNTS} civilAffairsPayments { id accountNumber status }`) =>
  sg.query(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { id ${fields} } } }`, { r: [{ __typename: 'Person', id }] }, caller);

describe('civil affairs: the register of recipients’ accounts (一卡通) and its payments', () => {
  let sg: StartedSubgraph;
  beforeAll(async () => {
    sg = await startSubgraph('civil-affairs', createServer, new URL('../', import.meta.url));
  });
  afterAll(() => sg?.stop());

  it('loads accounts and payments with households and persons; a reload changes nothing', async () => {
    expect(await ingest(sg, RECORDS)).toMatchObject({ status: 200, counts: { bankAccount: 2, payment: 1 } });
    expect(await ingest(sg, RECORDS)).toMatchObject({ status: 200, counts: { bankAccount: 0, payment: 0 } });
  });

  it('shows accounts masked to the coordination office and civil affairs’ officers, with who holds them', async () => {
    for (const caller of [{ sub: 'k', role: 'COORDINATOR' }, { sub: 'm', role: 'DEPARTMENT_OFFICER', department: 'CIVIL_AFFAIRS' }] as Caller[]) {
      const res = await entities(sg, head, caller);
      expect(res.errors, caller.role).toBeUndefined();
      expect(res.data!._entities[0]).toEqual({
        id: head,
        bankAccounts: [{ id: 'BA-1', personId: head, bank: '农村信用合作社', accountNumber: '**** 0017', holderId: spouse }],
        civilAffairsPayments: [{ id: 'MZ-PAY-1', accountNumber: '**** 0017', status: 'PAID' }],
      });
      expect(JSON.stringify(res)).not.toContain(ACCOUNT.slice(0, 8));
    }
  });

  it('shows a person’s accounts to a department that pays them, not to one that pays another member or none, nor to caseworkers, analysts, auditors', async () => {
    const housingOfficer: Caller = { sub: 'z', role: 'DEPARTMENT_OFFICER', department: 'HOUSING' };
    const housing = await entities(sg, head, housingOfficer, `bankAccounts ${ACCOUNTS}`);
    expect(housing.errors).toBeUndefined();
    expect(housing.data!._entities[0].bankAccounts).toHaveLength(1);
    // Paying the head is not paying the spouse: the spouse's accounts are not housing's to read.
    const spouses = await entities(sg, spouse, housingOfficer, `bankAccounts ${ACCOUNTS}`);
    expect(spouses.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(spouses.data!._entities[0]).toEqual({ id: spouse, bankAccounts: null });
    // Civil affairs' payments stay civil affairs' own.
    const payments = await entities(sg, head, housingOfficer, 'civilAffairsPayments { id }');
    expect(payments.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Housing does not pay H-2: even with the region in its token, the person shows, the account does not.
    const elsewhere = await entities(sg, other, { sub: 'z', role: 'DEPARTMENT_OFFICER', department: 'HOUSING', region: '654002' });
    expect(elsewhere.errors?.map((e) => e.extensions?.code)).toContain('FORBIDDEN');
    expect(JSON.stringify(elsewhere.data)).not.toContain('BA-2');
    const refused: Caller[] = [
      { sub: 'c', role: 'CASEWORKER', region: '654002' },
      { sub: 'l', role: 'DEPARTMENT_OFFICER', department: 'LABOUR', region: '654002' },
      { sub: 'a', role: 'ANALYST' },
      { sub: 'u', role: 'AUDITOR' },
    ];
    for (const caller of refused) {
      const res = await entities(sg, head, caller);
      expect(res.errors?.[0]?.extensions?.code, `${caller.role} ${caller.department ?? ''}`).toBe('FORBIDDEN');
      expect(JSON.stringify(res.data)).not.toContain('BA-1');
      expect(JSON.stringify(res)).not.toContain(ACCOUNT.slice(0, 8));
    }
  });

  it('refuses a bad account line naming line and field, writing nothing, never quoting the number', async () => {
    const res = await ingest(sg, [account('BA-9', other, other, '62284800000000000X7'), { ...account('BA-10', other, other), department: 'LABOUR' }]);
    expect(res.status).toBe(422);
    expect(res.errors!.map((e: { line: number; field: string }) => [e.line, e.field])).toEqual([[1, 'accountNumber'], [2, 'department']]);
    expect(JSON.stringify(res.errors)).not.toContain('622848');
  });
});
