import { describe, expect, it } from 'vitest';
import { makeResidentId } from '@saf/identity';
import { identityOf, maskAccountNumber, maskDigitRuns, ownerOf, validateLine, validateRecord } from '../src/index.ts';

const personId = makeResidentId('654002', '1990-03-15', 11);
const holderId = makeResidentId('654002', '1991-04-02', 22);
// The examples of SPEC section 11.
const bankAccount = { type: 'bankAccount', id: 'BA-1', department: 'CIVIL_AFFAIRS', personId, bank: '农村信用合作社', accountNumber: '6228480000000000017', holderId };
const payment = {
  type: 'payment', id: 'MZ-PAY-1', department: 'CIVIL_AFFAIRS', awardId: 'CA-000123', personId, period: '2025-06', amountFen: 56000,
  accountNumber: '6228480000000000017', paidDate: '2025-06-10', status: 'PAID',
};
const errorsOf = (value: unknown) => {
  const result = validateRecord(value, 7);
  return result.ok ? [] : result.errors;
};

describe('money records (SPEC section 11)', () => {
  it('accepts the examples, and a FAILED or RETURNED payment without a paid date', () => {
    for (const record of [bankAccount, payment]) expect(validateRecord(record, 1), record.type).toEqual({ ok: true, record });
    expect(validateRecord({ ...payment, status: 'FAILED', paidDate: null }, 1).ok).toBe(true);
    expect(validateRecord({ ...payment, status: 'RETURNED', paidDate: '2025-06-12' }, 1).ok).toBe(true);
  });

  it.each([
    [{ ...bankAccount, department: 'LABOUR' }, 'department', /bankAccount records belong to CIVIL_AFFAIRS/],
    [{ ...bankAccount, accountNumber: '6228 4800 0000 0000 017' }, 'accountNumber', /8 to 32 digits/],
    [{ ...bankAccount, accountNumber: '1234567' }, 'accountNumber', /8 to 32 digits/],
    [{ ...bankAccount, holderId: `${holderId.slice(0, 17)}${holderId.endsWith('1') ? '2' : '1'}` }, 'holderId', /check character/],
    [{ ...bankAccount, bank: '' }, 'bank', /empty/],
    [{ ...payment, department: 'POLICE' }, 'department', /.+/],
    [{ ...payment, period: '2025-6' }, 'period', /YYYY-MM/],
    [{ ...payment, period: '2025-00' }, 'period', /YYYY-MM/],
    [{ ...payment, amountFen: -1 }, 'amountFen', /negative/],
    [{ ...payment, amountFen: 10.5 }, 'amountFen', /integer/],
    [{ ...payment, status: 'SENT' }, 'status', /.+/],
    [{ ...payment, paidDate: null }, 'paidDate', /PAID payment needs its paid date/],
    [{ ...payment, paidDate: '2025-02-30' }, 'paidDate', /date/],
    [{ ...payment, awardId: '' }, 'awardId', /empty/],
    [{ ...payment, iban: 'x' }, '(line)', /unknown field\(s\) iban/],
  ])('refuses %j naming the field', (value, field, message) => {
    const errors = errorsOf(value);
    expect(errors).toEqual(expect.arrayContaining([expect.objectContaining({ line: 7, field, message: expect.stringMatching(message) })]));
    // No message repeats an account number.
    expect(JSON.stringify(errors)).not.toMatch(/6228|4800 0000/);
  });

  it('routes an account to civil affairs and a payment to its department, payments keyed per department', () => {
    const keys = [bankAccount, payment, { ...payment, department: 'LABOUR' }].map((value) => {
      const r = validateRecord(value, 1);
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      return [ownerOf(r.record), identityOf(r.record)];
    });
    expect(keys).toEqual([
      ['CIVIL_AFFAIRS', 'bankAccount:BA-1'],
      ['CIVIL_AFFAIRS', 'payment:CIVIL_AFFAIRS:MZ-PAY-1'],
      ['LABOUR', 'payment:LABOUR:MZ-PAY-1'],
    ]);
  });

  it('masks account numbers to the last 4 digits, also in a malformed line’s message, and leaves resident IDs alone', () => {
    expect(maskAccountNumber('6228480000000000017')).toBe('**** 0017');
    expect(maskDigitRuns(`paid 6228480000000000017 to ${personId}`)).toBe(`paid **** 0017 to ${personId}`);
    // The parser quotes a short line in its message.
    const broken = validateLine('{"n":[62284817,x]}', 3);
    expect(broken).toEqual({ ok: false, errors: [{ line: 3, field: '(line)', message: expect.stringContaining('**** 4817') }] });
    expect(JSON.stringify(broken)).not.toContain('62284817');
  });
});
