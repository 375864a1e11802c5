import type { Caller } from '@saf/auth';
import type { Db } from '@saf/db';
import { MAX_SWEEP_BATCH } from '@saf/interchange';
import { detectPaymentFindings, defaultPaymentRuleSet, paymentKey, type PaymentRuleAward, type RuleAccount, type RulePayment, type RulePerson } from '@saf/rules';
import type { Logger } from '@saf/service';
import { countStandingPayments, markPaymentsGone, paymentSweepById, recordPaymentsSeen, startPaymentSweep, updatePaymentSweep, type FiledPaymentFinding } from '../db/paymentFindings.ts';
import type { PaymentSweepRow } from '../db/schema.ts';
import { GraphRequestError, type GraphClient } from '../graph.ts';
import type { RuleSetStore } from '../rules.ts';
import { SWEEP_PAGE_MAX_IDS } from '../sweep.ts';
import { PAYMENT_SWEEP_BATCH, readPaymentBatch, registrationsOf, type PaymentSweepAnswer } from './batch.ts';

const SWEEP_PLAN = `query PaymentSweepPlan($region: String!, $pageSize: Int!, $maxIds: Int!) {
  _internalSweepPlan(regionCode: $region, pageSize: $pageSize, maxIds: $maxIds) { totalCount householdIds pageSizes }
}`;

interface PlanAnswer {
  _internalSweepPlan: { totalCount: number; householdIds: string[]; pageSizes: number[] };
}

/**
 * Payment sweeps (资金发放核查): a region's households page by page through the graph (members,
 * every department's awards and payments of the period, the accounts registered for them), then
 * the payment rules over the whole region at once (an account can pay households on different
 * pages), the findings recorded with stable ids, those not seen again marked gone. Runs in the
 * background; the same region and period asked twice at once is one sweep.
 */
export class PaymentSweepRunner {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly graph: GraphClient,
    private readonly rules: RuleSetStore,
    private readonly log: Logger,
    private readonly pageSize = 1000,
    /** Pages in flight at once (the duplicate-aid sweeps' setting: two overlap the stages of a page). */
    private readonly concurrency = 2,
  ) {}

  async start(regionCode: string, period: string, caller: Caller, purpose: string): Promise<PaymentSweepRow> {
    const { sweep, created } = await startPaymentSweep(this.db, regionCode, period, caller.sub);
    if (created) {
      const run = this.run(sweep, caller, purpose).finally(() => this.running.delete(run));
      this.running.add(run);
    }
    return sweep;
  }

  /** Resolves when every sweep of this process has ended (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }

  private async run(sweep: PaymentSweepRow, caller: Caller, purpose: string): Promise<void> {
    const started = Date.now();
    try {
      const { ruleSet } = await this.rules.current();
      const { _internalSweepPlan: plan } = await this.graph.request<PlanAnswer>(SWEEP_PLAN, { region: sweep.regionCode, pageSize: this.pageSize, maxIds: SWEEP_PAGE_MAX_IDS }, caller, purpose);
      const householdRegion = new Map<string, string>();
      const personRegion = new Map<string, string | null>();
      const persons: RulePerson[] = [];
      const payments: RulePayment[] = [];
      const awards: PaymentRuleAward[] = [];
      const accounts: RuleAccount[] = [];
      // Pages in order, up to `concurrency` fetched ahead (as duplicate-aid sweeps do): each from
      // its planned start to the next page's (a household registered since the plan is read too),
      // further requests while a range holds more than one; past the plan's end, read on.
      const starts: (string | null)[] = [null, ...plan.householdIds];
      const fetchPage = (after: string | null, first: number, until: string | null) => {
        const ask = () => this.graph.request<{ _internalSweepBatch: PaymentSweepAnswer }>(PAYMENT_SWEEP_BATCH, { region: sweep.regionCode, first, after, until, period: sweep.period }, caller, purpose);
        // A page the gateway did not answer in time (a busy host, a cold start) is asked once more;
        // a refusal is final.
        const page = ask().catch((err: unknown) => {
          if (err instanceof GraphRequestError && !err.errors.some((e) => e.extensions?.code === 'FORBIDDEN' || e.extensions?.code === 'BAD_USER_INPUT')) {
            this.log.warn({ sweep: sweep.id, err: err.message }, 'a payment sweep page was not answered; asking again');
            return ask();
          }
          throw err;
        });
        page.catch(() => {}); // awaited in order below; a failure ends the sweep there
        return { page, until };
      };
      const ahead: ReturnType<typeof fetchPage>[] = [];
      let planned = 0;
      const fetchPlanned = () => {
        const until = starts[planned + 1] ?? null;
        ahead.push(fetchPage(starts[planned] ?? null, until === null ? (plan.pageSizes[planned] ?? this.pageSize) : MAX_SWEEP_BATCH, until));
        planned += 1;
      };
      while (ahead.length < this.concurrency && planned < starts.length) fetchPlanned();
      while (ahead.length) {
        const { page, until } = ahead.shift()!;
        const batch = (await page)._internalSweepBatch;
        if (planned < starts.length) fetchPlanned();
        const facts = readPaymentBatch(batch, householdRegion, sweep.period);
        for (const h of facts.households) householdRegion.set(h.id, h.regionCode);
        const paid = new Set(facts.payments.map((p) => p.personId));
        for (const p of facts.persons) {
          personRegion.set(p.id, p.regionCode ?? null);
          // Only what the rules need to keep for the whole region: the paid members, and every
          // member's household (an account holder may be any member of it).
          persons.push(paid.has(p.id) ? p : { id: p.id, householdId: p.householdId, deathDate: p.deathDate });
        }
        payments.push(...facts.payments);
        awards.push(...facts.awards.filter((a) => paid.has(a.personId)));
        accounts.push(...facts.accounts);
        await updatePaymentSweep(this.db, sweep.id, { householdsChecked: householdRegion.size, paymentsChecked: payments.length });
        if (batch.hasNextPage && batch.endCursor) {
          if (until !== null) ahead.unshift(fetchPage(batch.endCursor, MAX_SWEEP_BATCH, until));
          else if (!ahead.length) ahead.push(fetchPage(batch.endCursor, this.pageSize, null));
        }
      }
      // Accounts paid into that no one of the region registered: registered elsewhere, or nowhere.
      accounts.push(...(await registrationsOf(this.graph, payments, accounts, caller, purpose)));
      const found = detectPaymentFindings({ period: sweep.period, payments, awards, persons, accounts, ruleSet, paymentRules: defaultPaymentRuleSet });
      const byKey = new Map(payments.map((p) => [paymentKey(p), p]));
      const filed: FiledPaymentFinding[] = found.map((f) => {
        const parties = f.personIds.map((personId) => {
          const own = f.paymentKeys.map((k) => byKey.get(k)!).filter((p) => p.personId === personId);
          return { personId, regionCode: personRegion.get(personId) ?? null, paymentKeys: own.map(paymentKey), awardKeys: [...new Set(own.map((p) => `${p.department}:${p.awardId}`))] };
        });
        return { ...f, regionCode: parties[0]?.regionCode ?? sweep.regionCode, parties };
      });
      await this.db.transaction(async (tx) => {
        const t = tx as unknown as Db;
        const created = await recordPaymentsSeen(t, filed, sweep.id);
        const current = (await paymentSweepById(t, sweep.id))!;
        const gone = await markPaymentsGone(t, current);
        await updatePaymentSweep(t, sweep.id, {
          status: 'DONE', finishedAt: new Date().toISOString(), householdsChecked: householdRegion.size, paymentsChecked: payments.length,
          newCount: created.length, goneCount: gone, findingsCount: await countStandingPayments(t, sweep.regionCode, sweep.period),
        });
      });
      this.log.info({ sweep: sweep.id, region: sweep.regionCode, period: sweep.period, payments: payments.length, findings: found.length, seconds: (Date.now() - started) / 1000 }, 'payment sweep done');
    } catch (err) {
      this.log.warn({ sweep: sweep.id, err: (err as Error).message }, 'payment sweep failed');
      await updatePaymentSweep(this.db, sweep.id, { status: 'FAILED', error: (err as Error).message, finishedAt: new Date().toISOString() }).catch(() => {});
    }
  }
}
