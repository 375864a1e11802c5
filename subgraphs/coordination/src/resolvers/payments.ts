import { isPeriod } from '@saf/interchange';
import { PAYMENT_RULE_CODES } from '@saf/rules';
import { assertRegionWithin, assertRole, badInput, forbidden, isBound, notFound } from '@saf/service';
import { assertMayReview } from '../access.ts';
import type { Context } from '../context.ts';
import { decodeCursor } from '../cursor.ts';
import { listPaymentFindings, paymentSweepById, reviewPaymentFinding } from '../db/paymentFindings.ts';
import type { FindingEventRow } from '../db/findings.ts';
import { assertMayReadPaymentFindings, paymentFindingFor, type PaymentFindingView } from '../payments/view.ts';
import { regionPrefix } from './Query.ts';

function period(value: string | null | undefined, required: boolean): string | null {
  if (value == null) {
    if (required) throw badInput('period must be a month YYYY-MM', 'period');
    return null;
  }
  if (!isPeriod(value)) throw badInput('period must be a month YYYY-MM', 'period');
  return value;
}

const HIDDEN = 'no payment finding with this id that you may see';

/** A stored payment finding by id, when the caller may see all of it; FORBIDDEN alike otherwise and for none. */
async function readablePaymentFinding(ctx: Context, id: string): Promise<PaymentFindingView | null> {
  const caller = assertMayReadPaymentFindings(ctx.caller);
  const row = await ctx.loaders.paymentFinding.load(id);
  const view = row ? paymentFindingFor(caller, row, ctx.maskKey) : null;
  if ((view && !view.masked) || (!row && !isBound(caller))) return view;
  throw forbidden(HIDDEN);
}

interface ListArgs {
  regionCode: string;
  period?: string | null;
  status?: string | null;
  rule?: string | null;
  first?: number | null;
  after?: string | null;
}

export const paymentQuery = {
  paymentFindings: async (_: unknown, args: ListArgs, ctx: Context) => {
    const caller = assertMayReadPaymentFindings(ctx.caller);
    const prefix = regionPrefix(args.regionCode);
    // Officers: their department's payments, wherever filed; the office: its jurisdiction.
    if (caller.role === 'COORDINATOR') assertRegionWithin(caller, prefix);
    if (args.rule && !(PAYMENT_RULE_CODES as readonly string[]).includes(args.rule)) throw badInput(`rule must be one of ${PAYMENT_RULE_CODES.join(', ')}`, 'rule');
    const first = args.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > 500) throw badInput('first must be 1 to 500', 'first');
    const page = await listPaymentFindings(
      ctx.db,
      { regionPrefix: prefix, period: period(args.period, false), status: args.status, rule: args.rule, department: caller.role === 'DEPARTMENT_OFFICER' ? caller.department : null },
      first,
      args.after ? decodeCursor(args.after) : null,
    );
    const edges = page.edges.flatMap((edge) => {
      const node = paymentFindingFor(caller, edge.node, ctx.maskKey);
      return node ? [{ ...edge, node }] : [];
    });
    return { ...page, edges };
  },
  paymentFinding: (_: unknown, { id }: { id: string }, ctx: Context) => readablePaymentFinding(ctx, id),
  paymentSweep: async (_: unknown, { id }: { id: string }, ctx: Context) => {
    const caller = assertRole(ctx.caller, 'COORDINATOR');
    const sweep = await paymentSweepById(ctx.db, id);
    if (sweep) assertRegionWithin(caller, sweep.regionCode);
    return sweep;
  },
};

export const paymentMutation = {
  runPaymentSweep: (_: unknown, args: { regionCode: string; period: string }, ctx: Context) => {
    // Accounts and payments across every department: the coordination office's check alone.
    const caller = assertRole(ctx.caller, 'COORDINATOR');
    const prefix = regionPrefix(args.regionCode);
    assertRegionWithin(caller, prefix);
    const month = period(args.period, true)!;
    if (!ctx.purpose) throw badInput('a payment sweep reads every household of the region: declare its purpose in the X-Purpose header', 'x-purpose');
    return ctx.paymentSweeps.start(prefix, month, caller, ctx.purpose);
  },
  reviewPaymentFinding: async (_: unknown, args: { id: string; decision: 'CONFIRM' | 'DISMISS'; note: string }, ctx: Context) => {
    const caller = assertMayReadPaymentFindings(ctx.caller);
    const finding = await readablePaymentFinding(ctx, args.id);
    if (!finding) throw notFound(`no payment finding ${args.id}`);
    assertMayReview(caller, { ...finding, householdId: null, programmes: [], overlapStart: null, overlapEnd: null });
    const note = args.note.trim();
    if (!note) throw badInput('a note is required to review a finding', 'note');
    if (note.length > 2000) throw badInput('the note must be at most 2000 characters', 'note');
    const row = await reviewPaymentFinding(ctx.db, args.id, args.decision === 'CONFIRM' ? 'CONFIRMED' : 'DISMISSED', note, { sub: caller.sub, role: caller.role });
    ctx.loaders.events.clear(args.id);
    return row && paymentFindingFor(caller, row, ctx.maskKey);
  },
};

export const PaymentFinding = {
  accountNumber: (f: PaymentFindingView) => (f.accountLast4 ? `**** ${f.accountLast4}` : null),
  history: async (f: PaymentFindingView, _: unknown, ctx: Context) => {
    const events = await ctx.loaders.events.load(f.storedId);
    return events.map((e: FindingEventRow) => ({ event: e.event, note: f.masked ? null : e.note, actor: e.actorSub, actorRole: e.actorRole, sweepId: e.sweepId, at: e.at }));
  },
};
