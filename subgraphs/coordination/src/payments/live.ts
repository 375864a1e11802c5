import type { Caller } from '@saf/auth';
import { isPeriod } from '@saf/interchange';
import { detectPaymentFindings, defaultPaymentRuleSet, paymentKey, type PaymentFinding as FoundPayment } from '@saf/rules';
import { badInput } from '@saf/service';
import type { Context } from '../context.ts';
import type { PaymentFindingRow } from '../db/schema.ts';
import { GraphRequestError } from '../graph.ts';
import { PAYMENT_SWEEP_BATCH_FIELDS, readPaymentBatch, registrationsOf, type PaymentSweepAnswer } from './batch.ts';
import { assertMayReadPaymentFindings, paymentFindingFor, type PaymentFindingView } from './view.ts';

/**
 * One household as a payment sweep page reads it (members, every department's awards and
 * payments, the accounts registered for them), all periods or one: one gateway request.
 */
const LIVE_BATCH = `query LivePayments($region: String!, $household: ID!, $period: String) {
  _internalSweepBatch(regionCode: $region, first: 1, householdId: $household) { ${PAYMENT_SWEEP_BATCH_FIELDS} }
}`;

/** Rules a household's own payments cannot show (they span households): the standing sweep findings stand in. */
const SWEEP_ONLY = new Set(['SHARED_ACCOUNT']);

/**
 * Payment findings live (资金发放线索, computed now), for one household or one person of it: the
 * payment rules of SPEC section 11 over every department's current payments to its members, period
 * by period (all periods paid, or `period`), the same engine as a sweep, with the stored status
 * and history of a finding a sweep has filed under the same id. An account paying several
 * households is found by sweeps alone (they read the whole region): those standing findings that
 * name the household's members are added. The same callers as the stored findings (the
 * coordination office, the officers of a department whose payments a finding names), each finding
 * as `paymentFindingFor` shows it to them; FORBIDDEN for everyone else.
 *
 * The facts are the coordination office's check: read as the caller when the caller is the office,
 * otherwise as the office on the officer's behalf (an officer may read only their own department's
 * payments, and the rules need all of them); the gateway logs the read with the household's members.
 */
export async function livePaymentFindings(
  ctx: Context,
  household: { id: string; regionCode?: string | null },
  options: { personId?: string; period?: string | null } = {},
): Promise<PaymentFindingView[]> {
  const caller = assertMayReadPaymentFindings(ctx.caller);
  const period = options.period ?? null;
  if (period !== null && !isPeriod(period)) throw badInput('period must be a month YYYY-MM', 'period');
  if (!household.regionCode) return [];
  const reader: Caller = caller.role === 'COORDINATOR' ? caller : { sub: `coordination office (payment check for ${caller.sub})`, role: 'COORDINATOR' };
  const purpose = caller.role === 'COORDINATOR' && ctx.purpose ? ctx.purpose : 'SUPERVISION';
  let batch: PaymentSweepAnswer;
  try {
    ({ _internalSweepBatch: batch } = await ctx.graph.request<{ _internalSweepBatch: PaymentSweepAnswer }>(LIVE_BATCH, { region: household.regionCode, household: household.id, period }, reader, purpose));
  } catch (err) {
    // Partial facts could hide a finding: none rather than some (the caller sees which department).
    if (err instanceof GraphRequestError) throw new Error(`payment findings could not be computed: ${err.message}`);
    throw err;
  }
  const facts = readPaymentBatch(batch, new Set(), period);
  const accounts = [...facts.accounts, ...(await registrationsOf(ctx.graph, facts.payments, facts.accounts, reader, purpose))];
  const { ruleSet } = await ctx.rules.current();
  const periods = [...new Set(facts.payments.map((p) => p.period))].sort().reverse();
  const found: FoundPayment[] = periods.flatMap((month) =>
    detectPaymentFindings({ period: month, payments: facts.payments, awards: facts.awards, persons: facts.persons, accounts, ruleSet, paymentRules: defaultPaymentRuleSet }).filter((f) => !SWEEP_ONLY.has(f.rule)),
  );
  const byKey = new Map(facts.payments.map((p) => [paymentKey(p), p]));
  const regionCode = household.regionCode;
  const members = new Set(facts.persons.map((p) => p.id));
  const ids = found.map((f) => f.id);
  const stored = ids.length ? await ctx.loaders.paymentFinding.loadMany(ids) : [];
  const live: PaymentFindingRow[] = found.map((f, i) => {
    const known = stored[i] && !(stored[i] instanceof Error) ? (stored[i] as PaymentFindingRow | null) : null;
    const parties = f.personIds.map((personId) => {
      const own = f.paymentKeys.map((k) => byKey.get(k)!).filter((p) => p.personId === personId);
      return { personId, regionCode, paymentKeys: own.map(paymentKey), awardKeys: [...new Set(own.map((p) => `${p.department}:${p.awardId}`))] };
    });
    return {
      ...f, regionCode, parties,
      status: known?.status ?? 'OPEN', firstSeenAt: known?.firstSeenAt ?? new Date().toISOString(), lastSeenAt: new Date().toISOString(), goneAt: null, lastSweepId: known?.lastSweepId ?? null,
    };
  });
  // What only a sweep finds, as the last sweeps left it, for the members asked about.
  const asked = options.personId ? [options.personId] : [...members];
  const standing = (await ctx.loaders.paymentFindingsOfPerson.loadMany(asked)).flatMap((rows) => (rows instanceof Error ? [] : rows)).filter((r) => SWEEP_ONLY.has(r.rule) && (period === null || r.period === period));
  const seen = new Set<string>();
  return [...live.filter((f) => !options.personId || f.personIds.includes(options.personId)), ...standing]
    .filter((f) => !seen.has(f.id) && (seen.add(f.id), true))
    .sort((a, b) => b.period.localeCompare(a.period) || a.rule.localeCompare(b.rule) || a.id.localeCompare(b.id))
    .flatMap((f) => paymentFindingFor(caller, f, ctx.maskKey) ?? []);
}
