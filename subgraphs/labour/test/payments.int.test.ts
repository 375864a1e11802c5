import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { makeResidentId } from '@saf/identity';
import { ingest, startSubgraph, type StartedSubgraph } from '@saf/testing';
import { createServer } from '../src/server.ts';

const persons = Array.from({ length: 6 }, (_, i) => makeResidentId('654021', '1980-02-01', i + 1));
const ACCOUNT = '6228480000000000017';
const award = (i: number) => ({
  type: 'award', id: `RS-A-${i}`, department: 'LABOUR', programme: 'PUBLIC_WELFARE_JOB', personId: persons[i % persons.length], householdId: null,
  regionCode: '654021', amountFen: 80_000, frequency: 'MONTHLY', startDate: '2025-01-01', endDate: null, status: 'ACTIVE', details: {},
});
const payment = (i: number, extra: object = {}) => ({
  type: 'payment', id: `RS-PAY-${i}`, department: 'LABOUR', awardId: `RS-A-${i % persons.length}`, personId: persons[i % persons.length],
  period: `2025-${String((i % 12) + 1).padStart(2, '0')}`, amountFen: 80_000, accountNumber: ACCOUNT.slice(0, -2) + String(i % 100).padStart(2, '0'),
  paidDate: `2025-${String((i % 12) + 1).padStart(2, '0')}-10`, status: 'PAID', ...extra,
});
const PAYMENTS = '{ id department awardId programme personId period amountFen accountNumber paidDate status }';
const entities = (sg: StartedSubgraph, ids: string[], caller?: Caller, period?: string) =>
  sg.query(`query ($r: [_Any!]!, $p: String) { _entities(representations: $r) { ... on Person { labourPayments(period: $p) ${PAYMENTS} } } }`, { r: ids.map((id) => ({ __typename: 'Person', id })), p: period ?? null }, caller);
const coordinator: Caller = { sub: 'k', role: 'COORDINATOR' };

describe('labour payments (发放记录)', () => {
  let sg: StartedSubgraph;
  beforeAll(async () => {
    sg = await startSubgraph('labour', createServer, new URL('../', import.meta.url));
    expect(await ingest(sg, Array.from({ length: 6 }, (_, i) => award(i)))).toMatchObject({ status: 200 });
  });
  afterAll(() => sg?.stop());

  it('stores payment records through /ingest, idempotent: loading twice changes nothing, a changed record one row', async () => {
    const records = Array.from({ length: 24 }, (_, i) => payment(i));
    expect(await ingest(sg, records)).toMatchObject({ status: 200, counts: { payment: 24 } });
    expect(await ingest(sg, records)).toMatchObject({ status: 200, counts: { payment: 0 } });
    expect(await ingest(sg, [payment(0, { status: 'RETURNED', paidDate: null })])).toMatchObject({ status: 200, counts: { payment: 1 } });
    const res = await entities(sg, [persons[0]!], coordinator);
    expect(res.errors).toBeUndefined();
    const list = res.data!._entities[0].labourPayments;
    expect(list.map((p: { id: string }) => p.id)).toEqual(['RS-PAY-0', 'RS-PAY-12', 'RS-PAY-18', 'RS-PAY-6']);
    expect(list[0]).toEqual({
      id: 'RS-PAY-0', department: 'LABOUR', awardId: 'RS-A-0', programme: 'PUBLIC_WELFARE_JOB', personId: persons[0], period: '2025-01',
      amountFen: 80_000, accountNumber: '**** 0000', paidDate: null, status: 'RETURNED',
    });
    const june = await entities(sg, [persons[5]!], coordinator, '2025-06');
    expect(june.data!._entities[0].labourPayments.map((p: { id: string }) => p.id)).toEqual(['RS-PAY-17', 'RS-PAY-5']);
  });

  it('never shows an account number in full: every payment masked to its last 4 digits', async () => {
    const res = await entities(sg, persons, { sub: 'l', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' });
    expect(res.errors).toBeUndefined();
    const text = JSON.stringify(res.data);
    expect(text).not.toContain(ACCOUNT.slice(0, 8));
    for (const list of res.data!._entities.map((e: { labourPayments: { accountNumber: string }[] }) => e.labourPayments)) {
      for (const p of list) expect(p.accountNumber).toMatch(/^\*\*\*\* [0-9]{4}$/);
    }
  });

  it('refuses a bad payment line naming line and field, writing nothing, and never quotes the account number', async () => {
    const res = await ingest(sg, [
      payment(100),
      payment(101, { period: '2025-13' }),
      payment(102, { accountNumber: '6228-4800-0000-0017' }),
      payment(103, { status: 'SENT' }),
      payment(104, { paidDate: null }),
      payment(105, { amountFen: -1 }),
    ]);
    expect(res.status).toBe(422);
    expect(res.errors!.map((e: { line: number; field: string }) => [e.line, e.field])).toEqual([[2, 'period'], [3, 'accountNumber'], [4, 'status'], [5, 'paidDate'], [6, 'amountFen']]);
    expect(JSON.stringify(res.errors)).not.toContain('6228');
    const other = await ingest(sg, [payment(106, { department: 'HEALTH' })]);
    expect(other.errors).toEqual([expect.objectContaining({ line: 1, field: 'type', message: 'belongs to HEALTH, not LABOUR' })]);
    const stored = await entities(sg, [persons[4]!], coordinator);
    expect(stored.data!._entities[0].labourPayments.map((p: { id: string }) => p.id)).not.toContain('RS-PAY-100');
  });

  it('answers N persons’ payments with one SQL query', async () => {
    sg.resetQueries();
    const res = await entities(sg, persons, coordinator);
    expect(res.errors).toBeUndefined();
    expect(sg.queries.filter((q) => /from "payments"/.test(q))).toHaveLength(1);
  });

  it('shows payments to labour’s officers and the coordination office only', async () => {
    const refused: Caller[] = [
      { sub: 'c', role: 'CASEWORKER', region: '654021' },
      { sub: 'h', role: 'DEPARTMENT_OFFICER', department: 'HEALTH' },
      { sub: 'm', role: 'DEPARTMENT_OFFICER', department: 'CIVIL_AFFAIRS' },
      { sub: 'a', role: 'ANALYST' },
      { sub: 'u', role: 'AUDITOR' },
    ];
    for (const caller of refused) {
      const res = await entities(sg, [persons[1]!], caller);
      expect(res.errors?.[0]?.extensions?.code, `${caller.role} ${caller.department ?? ''}`).toBe('FORBIDDEN');
      expect(JSON.stringify(res.data)).not.toContain('RS-PAY');
    }
  });
});
