import { SWEEP_AWARD_COLUMNS, SWEEP_HOUSEHOLD_COLUMNS, SWEEP_PERSON_COLUMNS, columnIndex, sweepRowsOf } from '@saf/interchange';
import type { Caller } from '@saf/auth';
import type { Db } from '@saf/db';
import { todayInChina } from '@saf/department';
import type { RuleAward, RulePerson } from '@saf/rules';
import type { Logger } from '@saf/service';
import { insertTasks } from '../db/reviewTasks.ts';
import type { GraphClient } from '../graph.ts';
import { Repeating } from '../repeat.ts';
import { yearlyTasks } from './dynamic.ts';

/**
 * The yearly review (年度复核) of 低保 and 特困 awards on a schedule (动态管理): at start and then
 * every `intervalMs`, the office reads civil affairs' households, members and awards through the
 * graph, a page at a time, and stores a task for each award whose anniversary has come. A task's
 * id is the award's and the anniversary's, stored with ON CONFLICT DO NOTHING: never two for one
 * award and year, however many runs (or coordination processes) overlap.
 */
const OFFICE: Caller = { sub: 'coordination office (yearly reviews)', role: 'COORDINATOR' };
const PURPOSE = 'COVERAGE_CHECK';
/** Households per page: each page is one request, civil affairs' part only. */
const PAGE = 1000;

const PAGE_QUERY = `query YearlyReviewPage($region: String!, $first: Int!, $after: String) {
  _internalSweepBatch(regionCode: $region, first: $first, after: $after) { hasNextPage endCursor households persons civilAffairsAwards }
}`;

interface PageAnswer {
  _internalSweepBatch: { hasNextPage: boolean; endCursor: string | null; households: unknown; persons: unknown; civilAffairsAwards: unknown };
}

const H = columnIndex(SWEEP_HOUSEHOLD_COLUMNS);
const P = columnIndex(SWEEP_PERSON_COLUMNS);
const A = columnIndex(SWEEP_AWARD_COLUMNS);

export class YearlyReviews {
  private readonly repeating: Repeating;

  constructor(
    private readonly db: Db,
    private readonly graph: GraphClient,
    private readonly log: Logger,
    /** YEARLY_REVIEW_MS; 0: never on its own (tests call `run`). */
    intervalMs: number,
    /** The first run after start: soon, once the gateway is likely up (a failed run is tried again at the next turn). */
    firstDelayMs = Math.min(intervalMs, 10_000),
  ) {
    this.repeating = new Repeating(() => this.run(), intervalMs, (err) => this.log.warn({ err: err.message }, 'yearly reviews not made this time; tried again at the next turn'), firstDelayMs);
  }

  start(): void {
    this.repeating.start();
  }

  stop(): Promise<void> {
    return this.repeating.stop();
  }

  /** One pass over every household; returns how many tasks were new. */
  async run(regionCode = '65', today = todayInChina()): Promise<number> {
    let after: string | null = null;
    let created = 0;
    for (;;) {
      const answer: PageAnswer = await this.graph.request<PageAnswer>(PAGE_QUERY, { region: regionCode, first: PAGE, after }, OFFICE, PURPOSE);
      const page = answer._internalSweepBatch;
      const region = new Map<string, string>();
      for (const h of sweepRowsOf(page.households, SWEEP_HOUSEHOLD_COLUMNS, 'households')) region.set(h[H.id]!, h[H.regionCode]!);
      const persons: RulePerson[] = sweepRowsOf(page.persons, SWEEP_PERSON_COLUMNS, 'persons', ['deathDate']).map((p) => ({ id: p[P.id]!, householdId: p[P.householdId]!, deathDate: p[P.deathDate] ?? null }));
      const awards: RuleAward[] = sweepRowsOf(page.civilAffairsAwards, SWEEP_AWARD_COLUMNS, 'civilAffairsAwards', ['householdId', 'endDate']).map((a) => ({
        department: 'CIVIL_AFFAIRS',
        id: a[A.id]!,
        programme: a[A.programme]!,
        personId: a[A.personId]!,
        householdId: a[A.householdId] ?? null,
        startDate: a[A.startDate]!,
        endDate: a[A.endDate] ?? null,
        frequency: a[A.frequency] as RuleAward['frequency'],
        status: a[A.status] as RuleAward['status'],
      }));
      created += await insertTasks(this.db, yearlyTasks(awards, persons, region, today));
      if (!page.hasNextPage || !page.endCursor) break;
      after = page.endCursor;
    }
    if (created) this.log.info({ created }, 'yearly review tasks made');
    return created;
  }
}
