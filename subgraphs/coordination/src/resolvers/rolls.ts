import type { Department } from '@saf/programmes';
import { maskAccountNumber } from '@saf/interchange';
import type { Context } from '../context.ts';
import { findingFor } from '../findingView.ts';
import { paymentFindingFor } from '../payments/view.ts';
import { approveRoll, bankFile, generateRoll, readableRoll, reconcileRoll, rollLines } from '../payments/rolls.ts';
import type { PaymentRollLineRow, PaymentRollRow } from '../db/schema.ts';

export const rollQuery = {
  paymentRoll: (_: unknown, { id }: { id: string }, ctx: Context) => readableRoll(ctx, id),
};

export const rollMutation = {
  generatePaymentRoll: (_: unknown, args: { department: Department; regionCode: string; period: string }, ctx: Context) => generateRoll(ctx, args.department, args.regionCode, args.period),
  approvePaymentRoll: (_: unknown, args: { id: string; note: string }, ctx: Context) => approveRoll(ctx, args.id, args.note),
  reconcilePaymentRoll: (_: unknown, args: { id: string; bankReturn: string }, ctx: Context) => reconcileRoll(ctx, args.id, args.bankReturn, ctx.rollDeliverer),
};

/** The roll's lines once per request (lineCount, totalFen and lines read the same rows). */
function linesOf(ctx: Context, roll: PaymentRollRow): Promise<PaymentRollLineRow[]> {
  const cache = ((ctx as unknown as { rollLines?: Map<string, Promise<PaymentRollLineRow[]>> }).rollLines ??= new Map());
  let lines = cache.get(roll.id);
  if (!lines) cache.set(roll.id, (lines = rollLines(ctx.db, roll.id)));
  return lines;
}

export const PaymentRoll = {
  lineCount: async (roll: PaymentRollRow, _: unknown, ctx: Context) => (await linesOf(ctx, roll)).length,
  heldCount: async (roll: PaymentRollRow, _: unknown, ctx: Context) => (await linesOf(ctx, roll)).filter((l) => l.status === 'HELD').length,
  totalFen: async (roll: PaymentRollRow, _: unknown, ctx: Context) =>
    (await linesOf(ctx, roll)).filter((l) => l.status !== 'HELD').reduce((sum, l) => sum + BigInt(l.amountFen), 0n).toString(),
  bankFile: (roll: PaymentRollRow, _: unknown, ctx: Context) => bankFile(ctx, roll),
  paymentsRecorded: (roll: PaymentRollRow) => roll.paymentsRecordedAt !== null,
  deliveryError: (roll: PaymentRollRow) => (roll.status === 'RECONCILED' && !roll.paymentsRecordedAt ? roll.deliveryError : null),
  lines: async (roll: PaymentRollRow, _: unknown, ctx: Context) => (await linesOf(ctx, roll)).map((l) => ({ ...l, roll })),
};

export const PaymentRollLine = {
  accountNumber: (l: PaymentRollLineRow) => (l.accountNumber ? maskAccountNumber(l.accountNumber) : null),
  holds: async (l: PaymentRollLineRow, _: unknown, ctx: Context) =>
    Promise.all(
      l.holds.map(async (id) => {
        if (id === 'NO_ACCOUNT') return { kind: 'NO_ACCOUNT', findingId: null, rule: null, explanation: '未登记收款账户 / no account registered for the recipient' };
        if (id.startsWith('PF-')) {
          const row = await ctx.loaders.paymentFinding.load(id);
          const view = row && ctx.caller ? paymentFindingFor(ctx.caller, row, ctx.maskKey) : null;
          return { kind: 'PAYMENT', findingId: view?.id ?? null, rule: row?.rule ?? null, explanation: view?.explanation ?? null };
        }
        const row = await ctx.loaders.finding.load(id);
        const view = row && ctx.caller ? findingFor(ctx.caller, row, ctx.maskKey) : null;
        return { kind: 'DUPLICATE_AID', findingId: view?.id ?? null, rule: row?.rule ?? null, explanation: view?.explanation ?? null };
      }),
    ),
};
