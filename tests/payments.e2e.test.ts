import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { loadFile } from '@saf/loader';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

// Accounts and payments (SPEC section 11) through the gateway: loaded from one file, shown masked
// to the paying department and the coordination office, in the access log, refused to others.

const COORDINATOR: Caller = { sub: 'co-1', role: 'COORDINATOR' };
const CASEWORKER: Caller = { sub: 'cw-654002', role: 'CASEWORKER', region: '654002' };
const AUDITOR: Caller = { sub: 'au-1', role: 'AUDITOR' };
const LABOUR_OFFICER: Caller = { sub: 'lb-1', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' };
const HEALTH_OFFICER: Caller = { sub: 'he-1', role: 'DEPARTMENT_OFFICER', department: 'HEALTH' };

const fixture = householdWithEverything(28);
const { head, spouse } = fixture.persons;
const HEAD_ACCOUNT = '6228480000000000017';
const SPOUSE_ACCOUNT = '6217000000000004321';
const MONEY = [
  { type: 'bankAccount', id: 'BA-E1', department: 'CIVIL_AFFAIRS', personId: head, bank: '农村信用合作社', accountNumber: HEAD_ACCOUNT, holderId: head },
  { type: 'bankAccount', id: 'BA-E2', department: 'CIVIL_AFFAIRS', personId: spouse, bank: '中国建设银行', accountNumber: SPOUSE_ACCOUNT, holderId: spouse },
  { type: 'payment', id: 'MZ-PAY-E1', department: 'CIVIL_AFFAIRS', awardId: 'CA-28-MINIMUM_LIVING_URBAN', personId: head, period: '2025-06', amountFen: 56_000, accountNumber: HEAD_ACCOUNT, paidDate: '2025-06-10', status: 'PAID' },
  { type: 'payment', id: 'RS-PAY-E1', department: 'LABOUR', awardId: 'LB-28-PUBLIC_WELFARE_JOB', personId: spouse, period: '2025-06', amountFen: 80_000, accountNumber: SPOUSE_ACCOUNT, paidDate: '2025-06-12', status: 'PAID' },
  { type: 'payment', id: 'RS-PAY-E2', department: 'LABOUR', awardId: 'LB-28-PUBLIC_WELFARE_JOB', personId: spouse, period: '2025-07', amountFen: 80_000, accountNumber: SPOUSE_ACCOUNT, paidDate: null, status: 'FAILED' },
];
const PAYMENTS = `query PaymentsOf($id: ID!) { person(id: $id) { id bankAccounts { id bank accountNumber holderId } labourPayments { id programme period amountFen accountNumber status } } }`;
const LOG = `query ReadLog($id: ID!) { accessLog(personId: $id, first: 20) { edges { node { sub role operation subjectIds } } } }`;

describe('accounts and payments through the gateway', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem();
    const result = await loadFile(await writeNdjson([...fixture.records, ...MONEY]), system.loadOptions);
    expect(result).toMatchObject({ ok: true, counts: { CIVIL_AFFAIRS: { bankAccount: 2, payment: 1 }, LABOUR: { payment: 2 } } });
  });
  afterAll(() => system?.stop());

  it('loads the same file again without changing a row', async () => {
    const again = await loadFile(await writeNdjson([...fixture.records, ...MONEY]), system.loadOptions);
    expect(again).toMatchObject({ ok: true, counts: { CIVIL_AFFAIRS: { bankAccount: 0, payment: 0 }, LABOUR: { payment: 0 } } });
  });

  it('shows labour’s officers the accounts and labour’s payments, masked, and logs the read', async () => {
    const res = await system.query(PAYMENTS, { id: spouse }, { caller: LABOUR_OFFICER });
    expect(res.errors).toBeUndefined();
    expect(res.data!.person).toEqual({
      id: spouse,
      bankAccounts: [{ id: 'BA-E2', bank: '中国建设银行', accountNumber: '**** 4321', holderId: spouse }],
      labourPayments: [
        { id: 'RS-PAY-E1', programme: 'PUBLIC_WELFARE_JOB', period: '2025-06', amountFen: 80_000, accountNumber: '**** 4321', status: 'PAID' },
        { id: 'RS-PAY-E2', programme: 'PUBLIC_WELFARE_JOB', period: '2025-07', amountFen: 80_000, accountNumber: '**** 4321', status: 'FAILED' },
      ],
    });
    expect(JSON.stringify(res)).not.toContain(SPOUSE_ACCOUNT.slice(0, 8));
    const log = await system.query(LOG, { id: spouse }, { caller: AUDITOR });
    expect(log.errors).toBeUndefined();
    const entries = log.data!.accessLog.edges.map((e: { node: object }) => e.node);
    expect(entries).toContainEqual(expect.objectContaining({ sub: LABOUR_OFFICER.sub, operation: 'PaymentsOf', subjectIds: expect.arrayContaining([spouse]) }));
    // The log itself never holds a number in full.
    expect(JSON.stringify(log)).not.toContain(SPOUSE_ACCOUNT.slice(0, 8));
  });

  it('shows the coordination office every department’s payments in the household picture', async () => {
    const res = await system.query(
      `query Money($id: ID!) { household(id: $id) { members { id bankAccounts { accountNumber } civilAffairsPayments { id accountNumber } labourPayments { id } } } }`,
      { id: fixture.householdId },
      { caller: COORDINATOR },
    );
    expect(res.errors).toBeUndefined();
    const byId = new Map(res.data!.household.members.map((m: { id: string }) => [m.id, m]));
    expect(byId.get(head)).toEqual({ id: head, bankAccounts: [{ accountNumber: '**** 0017' }], civilAffairsPayments: [{ id: 'MZ-PAY-E1', accountNumber: '**** 0017' }], labourPayments: [] });
    expect(JSON.stringify(res)).not.toMatch(/62284800|62170000/);
  });

  it('refuses payments and accounts to caseworkers and other departments’ officers, leaking nothing', async () => {
    for (const caller of [CASEWORKER, HEALTH_OFFICER]) {
      const res = await system.query(PAYMENTS, { id: spouse }, { caller });
      expect(res.errors?.map((e) => e.extensions?.code), caller.sub).toContain('FORBIDDEN');
      expect(JSON.stringify(res.data ?? null)).not.toMatch(/BA-E|RS-PAY|\*\*\*\*/);
    }
  });

  it('refuses a whole file for a bad payment line, naming line and field, never quoting the number', async () => {
    const lines = [
      { ...MONEY[3], id: 'RS-PAY-NEW', period: '2025-08' },
      { ...MONEY[3], id: 'RS-PAY-BAD', period: '2025-09', accountNumber: `${SPOUSE_ACCOUNT}-1` },
    ];
    const bad = await loadFile(await writeNdjson(lines), system.loadOptions);
    expect(bad).toEqual({ ok: false, errors: [expect.objectContaining({ line: 2, field: 'accountNumber' })] });
    expect(JSON.stringify(bad)).not.toContain(SPOUSE_ACCOUNT.slice(0, 8));
    const after = await system.query(PAYMENTS, { id: spouse }, { caller: LABOUR_OFFICER });
    expect(after.data!.person.labourPayments.map((p: { id: string }) => p.id)).toEqual(['RS-PAY-E1', 'RS-PAY-E2']);
  });
});
