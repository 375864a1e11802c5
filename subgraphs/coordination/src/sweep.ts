import { todayInChina } from '@saf/department';
import { insertTasks } from './db/reviewTasks.ts';
import { yearlyTasks } from './casework/dynamic.ts';
import type { Caller } from '@saf/auth';
import type { Db } from '@saf/db';
import { MAX_SWEEP_BATCH } from '@saf/interchange';
import { IdentityLeads, awardKey, detectFindings, type Finding } from '@saf/rules';
import type { Logger } from '@saf/service';
import { countStanding, markGone, recordSeen, type FoundFinding } from './db/findings.ts';
import { partiesOf } from './findingView.ts';
import { completeSweep, failSweeps, updateSweep, type SweepRow } from './db/sweeps.ts';
import type { GraphClient } from './graph.ts';
import { readStreamedPage, readSweepBatch, type SweepBatchAnswer } from './batch.ts';
import type { DepartmentLinks } from './casework/grant.ts';
import { SWEEP_BATCH, SWEEP_HOUSEHOLDS } from './queries.ts';
import { RegionAwards } from './sweepStreams.ts';
import type { RuleSetStore } from './rules.ts';
import { SweepTurns, type SweepAsker } from './sweepTurns.ts';

/**
 * Where each page starts (keyset cursors are household numbers) and how many households it
 * holds: one request for the whole region.
 */
const SWEEP_PLAN = `query SweepPlan($region: String!, $pageSize: Int!, $maxIds: Int!) {
  _internalSweepPlan(regionCode: $region, pageSize: $pageSize, maxIds: $maxIds) { totalCount householdIds pageSizes }
}`;

/**
 * Households and members a page may hold at most: the gateway's access-log entry for a page names
 * every id it read, up to 10,000 (beyond that it only counts them), and a page's awards may also
 * name a few persons of other households. Collective households (集体户) can have hundreds of
 * members, so pages are bounded by ids as well as by households.
 */
export const SWEEP_PAGE_MAX_IDS = 8000;

interface PlanAnswer {
  _internalSweepPlan: { totalCount: number; householdIds: string[]; pageSizes: number[] };
}

interface SweepPage {
  _internalSweepBatch: SweepBatchAnswer;
}

/** The region a finding is filed under: its household's, or the prefecture for identity leads. */
function regionOf(f: Finding, householdRegion: Map<string, string>, personRegion: Map<string, string>): string {
  if (f.rule === 'POSSIBLE_DUPLICATE_IDENTITY') return (personRegion.get(f.personIds[0]!) ?? '').slice(0, 4);
  return (f.householdId && householdRegion.get(f.householdId)) || personRegion.get(f.personIds[0]!) || '';
}

/** A finding as a sweep files it: under its region, with its persons' places and awards (`Party`). */
function filed(f: Finding, householdRegion: Map<string, string>, personRegion: Map<string, string>, ownerOf: (awardKey: string) => string | undefined): FoundFinding {
  return { ...f, regionCode: regionOf(f, householdRegion, personRegion), parties: partiesOf(f, ownerOf, (id) => personRegion.get(id)) };
}

/**
 * Where a sweep reads the departments' awards from:
 * - `streams` (the default): each department streams the awards it recorded under the region, all
 *   at once, straight to this office (signed, for the caller who asked: sweepStreams.ts); civil
 *   affairs' register of recipients names the awards of the region's persons and households that
 *   were recorded under another region, and those are fetched by id. The pages of households
 *   through the gateway then carry civil affairs' households and members only.
 * - `pages`: every page of households through the gateway with every department's awards of its
 *   persons and households (by id). The same findings (tests/sweepStreams.e2e.test.ts), at a
 *   few times the cost.
 */
export type SweepSource = 'streams' | 'pages';

/**
 * Region sweeps (比对): pages of households through the graph (each page one gateway request:
 * civil affairs' households and members, and the departments' awards of them, from their streams
 * or in the page itself: `SweepSource`), the rules over each page, findings recorded with stable
 * ids, then what was not seen again marked gone. Runs in the background, when its turn comes
 * (sweepTurns.ts).
 */
export class SweepRunner {
  private readonly turns: SweepTurns;
  private readonly concurrency: number;
  private readonly source: SweepSource;
  private readonly departments: DepartmentLinks | null;

  constructor(
    private readonly db: Db,
    private readonly graph: GraphClient,
    private readonly rules: RuleSetStore,
    private readonly log: Logger,
    private readonly pageSize = 1000,
    options: {
      /**
       * Pages in flight at once. Each page is a chain (civil affairs, then the departments, then the
       * gateway's merge, then the rules here); with two in flight the stages of different pages
       * overlap and use the machine's cores (see bench/results).
       */
      concurrency?: number;
      /** Sweeps one caller may have under way (SWEEP_MAX_PER_CALLER). */
      maxPerCaller?: number;
      /** Where the awards come from (default `streams` when `departments` is given). */
      source?: SweepSource;
      /** How to reach the departments' own routes (their streams). */
      departments?: DepartmentLinks;
    } = {},
  ) {
    this.concurrency = options.concurrency ?? 2;
    this.departments = options.departments ?? null;
    this.source = options.source ?? (this.departments ? 'streams' : 'pages');
    if (this.source === 'streams' && !this.departments) throw new Error('a sweep by streams needs the departments’ links');
    this.turns = new SweepTurns(db, log, (sweep, asker) => this.run(sweep, asker), { maxPerCaller: options.maxPerCaller ?? 2 });
  }

  /** On start: fails sweeps a stopped process left under way, and keeps this process's alive. */
  open(kind: 'postgres' | 'pglite'): Promise<void> {
    return this.turns.open(kind);
  }

  /**
   * A sweep that reads the graph with the rights of `caller` (who asked for it), declaring the
   * purpose they declared (a code): the one already under way for the region, or a new one,
   * started now or when overlapping ones have ended.
   */
  start(regionCode: string, caller: Caller, purpose: string): Promise<SweepRow> {
    return this.turns.request(regionCode, { caller, purpose });
  }

  /** Resolves when every sweep of this process has ended (tests). */
  idle(): Promise<void> {
    return this.turns.idle();
  }

  /** Shutdown: queued sweeps fail, running ones finish. */
  stop(): Promise<void> {
    return this.turns.stop();
  }

  /** Every page is read with the rights of the caller who asked, and logged with the purpose they declared. */
  private async run(sweep: SweepRow, { caller, purpose }: SweepAsker): Promise<void> {
    const started = Date.now();
    try {
      const { ruleSet } = await this.rules.current();
      // Identity leads need the whole region; each page's share is done as it arrives.
      const identityLeads = new IdentityLeads();
      const householdRegion = new Map<string, string>();
      const personRegion = new Map<string, string>();
      let households = 0;
      let persons = 0;
      let created = 0;
      // Where the sweep's time went (ms), logged when it is done: what it waited for, and its own work.
      const spent = { plan: 0, awards: 0, pageWait: 0, rules: 0, writes: 0, end: 0 };
      const since = (t: number) => performance.now() - t;
      let t0 = performance.now();
      // Where every page starts, in one request; then the pages are fetched ahead (up to
      // `concurrency` at once) and checked in order, so progress only grows and findings are
      // recorded one page at a time. A planned page is asked for from its start up to the next
      // page's: a household registered inside its range since the plan is in it too (none is
      // ever removed).
      // By streams: every award of the region's persons and households (the departments' streams
      // at once, beside the plan and the first pages), then the pages of households and members
      // are checked.
      const reading = this.source === 'streams' ? RegionAwards.read(this.departments!, sweep.regionCode, { caller, purpose }).finally(() => (spent.awards = since(t0))) : null;
      reading?.catch(() => {}); // awaited below, once the first pages are asked for
      const { _internalSweepPlan: plan } = await this.graph.request<PlanAnswer>(SWEEP_PLAN, { region: sweep.regionCode, pageSize: this.pageSize, maxIds: SWEEP_PAGE_MAX_IDS }, caller, purpose);
      spent.plan = since(t0);
      const pageQuery = reading ? SWEEP_HOUSEHOLDS : SWEEP_BATCH;
      const starts: (string | null)[] = [null, ...plan.householdIds];
      const ahead: { page: Promise<SweepPage>; until: string | null }[] = [];
      const fetchPage = (after: string | null, first: number, until: string | null = null) => {
        const page = this.graph.request<SweepPage>(pageQuery, { region: sweep.regionCode, first, after, until }, caller, purpose);
        page.catch(() => {}); // awaited in order below; a failure ends the sweep there
        return { page, until };
      };
      let planned = 0;
      const fetchPlanned = () => {
        const until = starts[planned + 1] ?? null;
        // The last page by its size (and read on past it, below); the others by their range.
        ahead.push(fetchPage(starts[planned]!, until === null ? (plan.pageSizes[planned] ?? this.pageSize) : MAX_SWEEP_BATCH, until));
        planned += 1;
      };
      while (ahead.length < this.concurrency && planned < starts.length) fetchPlanned();
      const regionAwards = await reading;
      // The pages' findings, yearly reviews and progress, written in page order while the next
      // pages are read and checked: what a page writes is worked out before the next page is
      // taken (the maps the findings are filed by still grow), only the statements wait.
      let writing: Promise<void> = Promise.resolve();
      const write = (work: () => Promise<void>) => {
        writing = writing.then(async () => {
          const t = performance.now();
          await work();
          spent.writes += since(t);
        });
        writing.catch(() => {}); // awaited before the sweep ends; a failure fails the sweep there
      };
      while (ahead.length) {
        const { page: pending, until } = ahead.shift()!;
        t0 = performance.now();
        const page: SweepPage = await pending;
        spent.pageWait += since(t0);
        t0 = performance.now();
        if (planned < starts.length) fetchPlanned();
        const batch = page._internalSweepBatch;
        const { households: pageHouseholds, persons: pagePersons, awards: pageAwards } = regionAwards
          ? readStreamedPage(batch, householdRegion, (p, h) => regionAwards.take(p, h))
          : readSweepBatch(batch, householdRegion);
        for (const h of pageHouseholds) householdRegion.set(h.id, h.regionCode);
        for (const p of pagePersons) personRegion.set(p.id, p.regionCode ?? '');
        const checked = pageHouseholds.length;
        identityLeads.add(pagePersons, pageAwards);
        const found = detectFindings({ persons: pagePersons, awards: pageAwards, ruleSet, mode: 'paying' });
        let seen: FoundFinding[] = [];
        if (found.length) {
          const owner = new Map(pageAwards.map((a) => [awardKey(a), a.personId]));
          seen = found.map((f) => filed(f, householdRegion, personRegion, (k) => owner.get(k)));
        }
        // The yearly reviews of 低保 and 特困 that have come due (动态管理): this page's awards are at hand.
        const tasks = yearlyTasks(pageAwards, pagePersons, householdRegion, todayInChina());
        households += checked;
        persons += pagePersons.length;
        const progress = { householdsTotal: plan.totalCount, householdsChecked: households, personsChecked: persons };
        spent.rules += since(t0);
        // One transaction a page: one commit to wait for, not three.
        write(() =>
          this.db.transaction(async (tx) => {
            const t = tx as unknown as Db;
            if (seen.length) created += (await recordSeen(t, seen, sweep.id)).created.length;
            await insertTasks(t, tasks);
            await updateSweep(t, sweep.id, { ...progress, newCount: created });
          }),
        );
        // More households in a planned range than one request holds: the rest of the range next.
        if (until !== null && batch.hasNextPage) ahead.unshift(fetchPage(batch.endCursor, MAX_SWEEP_BATCH, until));
        // Past the end of the listing (households registered since): read on, as a single cursor would.
        else if (until === null && !ahead.length && batch.hasNextPage) ahead.push(fetchPage(batch.endCursor, this.pageSize));
      }
      await writing;
      t0 = performance.now();
      const identities = identityLeads.findings();
      // Done, what it did not see gone, and the counts: one transaction, so nothing half-written,
      // and none of it if the sweep was failed meanwhile (abandoned: its process seemed stopped).
      await this.db.transaction(async (tx) => {
        const t = tx as unknown as Db;
        if (identities.length) created += (await recordSeen(t, identities.map((f) => filed(f, householdRegion, personRegion, (k) => identityLeads.awardOwner(k))), sweep.id)).created.length;
        if (!(await completeSweep(t, sweep.id))) throw new Error('the sweep was failed while it ran (its heartbeat had stopped)');
        const gone = await markGone(t, sweep.id);
        await updateSweep(t, sweep.id, { findingsCount: await countStanding(t, sweep.regionCode), newCount: created, goneCount: gone });
      });
      spent.end = since(t0);
      const seconds = (Date.now() - started) / 1000;
      const awardsRead = regionAwards ? { streamed: regionAwards.streamed, fetchedById: regionAwards.fetchedById } : {};
      this.log.info({ sweep: sweep.id, region: sweep.regionCode, source: this.source, households, persons, ...awardsRead, seconds, personsPerSecond: Math.round(persons / seconds), ms: Object.fromEntries(Object.entries(spent).map(([k, v]) => [k, Math.round(v)])) }, 'sweep done');
    } catch (err) {
      this.log.warn({ sweep: sweep.id, err: (err as Error).message }, 'sweep failed');
      await failSweeps(this.db, [sweep.id], (err as Error).message).catch(() => {});
    }
  }
}
