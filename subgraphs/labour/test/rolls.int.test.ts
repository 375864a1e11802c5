import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { makeResidentId } from '@saf/identity';
import { ingest, startSubgraph, type StartedSubgraph } from '@saf/testing';
import { createServer } from '../src/server.ts';

const person = makeResidentId('654021', '1985-04-01', 7);
const award = (id: string, programme: string, frequency: string, startDate: string, endDate: string | null, status = 'ACTIVE', regionCode = '654021') => ({
  type: 'award', id, department: 'LABOUR', programme, personId: person, householdId: null, regionCode, amountFen: 10_000, frequency, startDate, endDate, status, details: {},
});
const AWARDS = [
  award('M-ON', 'PUBLIC_WELFARE_JOB', 'MONTHLY', '2025-01-01', null),
  // Ends mid-June: paying in June, not July.
  award('M-ENDS', 'PUBLIC_WELFARE_JOB', 'MONTHLY', '2025-01-01', '2025-06-15', 'ENDED'),
  // Starts on the last day of June: paying in June.
  award('M-LATE', 'PUBLIC_WELFARE_JOB', 'MONTHLY', '2025-06-30', null),
  award('M-SUSP', 'PUBLIC_WELFARE_JOB', 'MONTHLY', '2025-01-01', null, 'SUSPENDED'),
  award('M-PEND', 'PUBLIC_WELFARE_JOB', 'MONTHLY', '2025-01-01', null, 'PENDING'),
  // Quarterly from March: March, June, September…
  award('Q-MAR', 'UNEMPLOYMENT_INSURANCE', 'QUARTERLY', '2025-03-10', null),
  award('Q-FEB', 'UNEMPLOYMENT_INSURANCE', 'QUARTERLY', '2025-02-10', null),
  // Yearly from June 2024: June 2025 too.
  award('Y-JUN', 'REEMPLOYMENT_SUPPORT', 'YEARLY', '2024-06-01', null),
  award('O-JUN', 'TRAINING_SUBSIDY', 'ONCE', '2025-06-20', null),
  award('O-MAY', 'TRAINING_SUBSIDY', 'ONCE', '2025-05-31', null),
  award('M-ELSE', 'PUBLIC_WELFARE_JOB', 'MONTHLY', '2025-01-01', null, 'ACTIVE', '654002'),
];
const OFFICER: Caller = { sub: 'lb', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' };
const rollAwards = (sg: StartedSubgraph, period: string, caller: Caller = OFFICER) =>
  sg.query(`query ($p: String!) { _internalLabourRollAwards(regionCode: "654021", period: $p) }`, { p: period }, caller);

describe('labour: a roll’s awards and its reconciled payments', () => {
  let sg: StartedSubgraph;
  beforeAll(async () => {
    sg = await startSubgraph('labour', createServer, new URL('../', import.meta.url));
    expect(await ingest(sg, AWARDS)).toMatchObject({ status: 200 });
  });
  afterAll(() => sg?.stop());

  it('lists the awards paying in the month by their frequency, status and period, under the region', async () => {
    const june = await rollAwards(sg, '2025-06');
    expect(june.errors).toBeUndefined();
    expect(june.data!._internalLabourRollAwards.columns).toEqual(['id', 'programme', 'personId', 'householdId', 'regionCode', 'amountFen']);
    expect(june.data!._internalLabourRollAwards.rows.map((r: string[]) => r[0]).sort()).toEqual(['M-ENDS', 'M-LATE', 'M-ON', 'O-JUN', 'Q-MAR', 'Y-JUN']);
    const july = await rollAwards(sg, '2025-07');
    expect(july.data!._internalLabourRollAwards.rows.map((r: string[]) => r[0]).sort()).toEqual(['M-LATE', 'M-ON']);
    const may = await rollAwards(sg, '2025-05');
    expect(may.data!._internalLabourRollAwards.rows.map((r: string[]) => r[0]).sort()).toEqual(['M-ENDS', 'M-ON', 'O-MAY', 'Q-FEB']);
  });

  it('answers labour’s officers only, and a month only', async () => {
    for (const caller of [{ sub: 'k', role: 'COORDINATOR' }, { sub: 'h', role: 'DEPARTMENT_OFFICER', department: 'HEALTH' }, { sub: 'c', role: 'CASEWORKER', region: '654021' }] as Caller[]) {
      expect((await rollAwards(sg, '2025-06', caller)).errors?.[0]?.extensions?.code, caller.sub).toBe('FORBIDDEN');
    }
    expect((await rollAwards(sg, '2025-6')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('records a roll’s payments once, refusing another department’s or a bad record whole', async () => {
    const pay = (id: string, extra: object = {}) => ({ type: 'payment', id, department: 'LABOUR', awardId: 'M-ON', personId: person, period: '2025-06', amountFen: 10_000, accountNumber: '6228480000000000017', paidDate: '2025-06-10', status: 'PAID', ...extra });
    const record = (payments: object[], caller: Caller = OFFICER) => sg.query(`mutation ($p: String!) { _internalLabourRecordRollPayments(payments: $p) }`, { p: JSON.stringify(payments) }, caller);
    expect((await record([pay('PR-1-1'), pay('PR-1-2', { department: 'HEALTH' })])).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await record([pay('PR-1-1'), pay('PR-1-2', { period: '2025-13' })])).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await record([pay('PR-1-1')], { sub: 'h', role: 'DEPARTMENT_OFFICER', department: 'HEALTH' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await record([pay('PR-1-1'), pay('PR-1-2', { status: 'FAILED', paidDate: null })])).data).toEqual({ _internalLabourRecordRollPayments: 2 });
    expect((await record([pay('PR-1-1'), pay('PR-1-2', { status: 'FAILED', paidDate: null })])).data).toEqual({ _internalLabourRecordRollPayments: 0 });
    const stored = await sg.query(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { labourPayments { id status } } } }`, { r: [{ __typename: 'Person', id: person }] }, { sub: 'k', role: 'COORDINATOR' });
    expect(stored.data!._entities[0].labourPayments).toEqual([{ id: 'PR-1-1', status: 'PAID' }, { id: 'PR-1-2', status: 'FAILED' }]);
  });
});
