import { describe, expect, it } from 'vitest';
import type { PaymentRollLineRow, PaymentRollRow } from '../src/db/schema.ts';
import { checkBankReturn } from '../src/payments/rolls.ts';

const roll = { id: 'PR-0123456789abcdef', department: 'CIVIL_AFFAIRS', regionCode: '654002', period: '2025-06', status: 'APPROVED' } as PaymentRollRow;
const line = (n: number, accountNumber: string | null, status = 'READY'): PaymentRollLineRow => ({
  rollId: roll.id, line: n, awardId: `CA-${n}`, programme: 'MINIMUM_LIVING_URBAN', personId: `P${n}`, householdId: `H${n}`, amountFen: 50_000,
  bank: '农村信用合作社', accountNumber, holderId: `P${n}`, status, holds: status === 'HELD' ? ['NO_ACCOUNT'] : [], paidDate: null,
});
const LINES = [line(1, '6228480000000000011'), line(2, '6228480000000000022'), line(3, null, 'HELD')];
const HEADER = 'line,reference,accountNumber,amountFen,status,paidDate';
const row = (n: number, account: string, extra: Partial<{ amount: string; status: string; date: string; ref: string }> = {}) =>
  `${n},${extra.ref ?? `${roll.id}-${n}`},${account},${extra.amount ?? '50000'},${extra.status ?? 'PAID'},${extra.date ?? '2025-06-10'}`;
const check = (...rows: string[]) => checkBankReturn(roll, LINES, [HEADER, ...rows].join('\r\n'));
const problems = (...rows: string[]) => {
  try {
    check(...rows);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('a bank return checked against its roll', () => {
  it('accepts every line of the bank file once, in any order, with a BOM and LF line ends', () => {
    expect(check(row(2, '6228480000000000022', { status: 'RETURNED', date: '' }), row(1, '6228480000000000011'))).toEqual([
      { line: 2, status: 'RETURNED', paidDate: null },
      { line: 1, status: 'PAID', paidDate: '2025-06-10' },
    ]);
    expect(checkBankReturn(roll, LINES, `\uFEFF${[HEADER, row(1, '6228480000000000011'), row(2, '6228480000000000022', { status: 'FAILED', date: '' })].join('\n')}\n`)).toHaveLength(2);
  });

  it('refuses the whole return for any line that does not match, naming row and field, never an account number', () => {
    const cases: [string[], RegExp][] = [
      [[row(1, '6228480000000000099'), row(2, '6228480000000000022')], /row 2: accountNumber: does not match line 1/],
      [[row(1, '6228480000000000011', { amount: '50001' }), row(2, '6228480000000000022')], /row 2: amountFen: 50001 is not line 1's 50000/],
      [[row(1, '6228480000000000011', { ref: 'PR-x-1' }), row(2, '6228480000000000022')], /row 2: reference/],
      [[row(1, '6228480000000000011', { status: 'SENT' }), row(2, '6228480000000000022')], /row 2: status/],
      [[row(1, '6228480000000000011', { date: '' }), row(2, '6228480000000000022')], /row 2: paidDate/],
      [[row(1, '6228480000000000011')], /lines missing from the return: 2/],
      [[row(1, '6228480000000000011'), row(1, '6228480000000000011'), row(2, '6228480000000000022')], /row 3: line: 1 appears twice/],
      [[row(1, '6228480000000000011'), row(2, '6228480000000000022'), row(3, '6228480000000000033')], /row 4: line: 3 is not a line of the roll's bank file/],
    ];
    for (const [rows, message] of cases) {
      const text = problems(...rows);
      expect(text).toMatch(message);
      expect(text).not.toMatch(/62284800/);
    }
    expect(() => checkBankReturn(roll, LINES, 'line,account\r\n1,2')).toThrow(/header/);
  });
});
