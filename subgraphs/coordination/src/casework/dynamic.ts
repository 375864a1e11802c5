import { createHash } from 'node:crypto';
import type { Caller } from '@saf/auth';
import { createRequestSigner } from '@saf/auth';
import type { Db } from '@saf/db';
import type { RuleAward, RulePerson } from '@saf/rules';
import type { Logger } from '@saf/service';
import { insertTasks, type NewReviewTask } from '../db/reviewTasks.ts';
import type { GraphClient } from '../graph.ts';
import { Repeating } from '../repeat.ts';
import type { DepartmentLinks } from './grant.ts';

/**
 * 动态管理 (SPEC section 10): a death (civil affairs), a new income (labour) or property (housing)
 * record becomes a review task for every department paying the household, and 低保 and 特困
 * awards come up for review every year. The emitting services keep each event in their outbox
 * until this office acknowledges it (packages/department/src/outbox.ts); it acknowledges an event
 * only once the tasks are stored, which needs every department's awards of the household: a
 * department that is down leaves the event waiting, and the next poll delivers it.
 */

/** The services that emit events, by subgraph. */
export const EMITTERS = ['civil-affairs', 'labour', 'housing'] as const;

/** Who the office reads the households as, for its review tasks, and what for. */
const OFFICE: Caller = { sub: 'coordination office (review tasks)', role: 'COORDINATOR' };
const PURPOSE = 'COVERAGE_CHECK';
/** Persons per graph request (each with their household's awards from every department). */
const CHUNK = 20;

interface OutboxEvent {
  seq: number;
  kind: string;
  personId: string;
  recordId: string;
  eventDate: string;
}
interface EventAward {
  id: string;
  department: string;
  programme: string;
  personId: string;
  status: string;
  frequency: string;
  startDate: string;
  endDate: string | null;
}
interface EventPerson {
  id: string;
  household: { id: string; regionCode: string; awards: EventAward[] | null } | null;
}

const taskId = (...parts: string[]) => `RT-${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 24)}`;

function reasonOf(e: OutboxEvent): string {
  if (e.kind === 'DEATH') return `家庭成员死亡（${e.eventDate}）：核实是否停发 (a member of the household died)`;
  if (e.kind === 'INCOME') return `新增收入记录 ${e.recordId}（${e.eventDate} 起）：复核家庭经济状况 (a new income)`;
  return `新增财产记录 ${e.recordId}（${e.eventDate} 取得）：复核家庭经济状况 (a new property)`;
}

/** Paying on or after the day: ACTIVE, its period (a ONCE award's: its start, or to its end) not ended before it. */
const payingFrom = (a: EventAward, day: string) => {
  const end = a.endDate ?? (a.frequency === 'ONCE' ? a.startDate : null);
  return a.status === 'ACTIVE' && (end === null || end >= day);
};

/** The tasks events create: one for each paying award of the household, for the department that pays it. */
export function tasksOf(events: OutboxEvent[], persons: Map<string, EventPerson | null>): NewReviewTask[] {
  return events.flatMap((e) => {
    const household = persons.get(e.personId)?.household;
    if (!household?.awards) return [];
    return household.awards
      .filter((a) => payingFrom(a, e.eventDate))
      .map((a) => ({ id: taskId(e.kind, e.recordId, e.eventDate, a.department, a.id), department: a.department, householdId: household.id, regionCode: household.regionCode, personId: a.personId, awardId: a.id, reason: reasonOf(e) }));
  });
}

function personsQuery(ids: string[]): string {
  const vars = ids.map((_, i) => `$p${i}: ID!`).join(', ');
  const fields = ids.map((_, i) => `p${i}: person(id: $p${i}) { id household { id regionCode awards { id department programme personId status frequency startDate endDate } } }`).join('\n');
  return `query ReviewTaskEvents(${vars}) {\n${fields}\n}`;
}

export class OutboxPoller {
  private readonly repeating: Repeating;

  constructor(
    private readonly db: Db,
    private readonly graph: GraphClient,
    private readonly links: DepartmentLinks,
    private readonly log: Logger,
    intervalMs: number,
  ) {
    this.repeating = new Repeating(() => this.pollAll(), intervalMs, (err) => this.log.warn({ err: err.message }, 'review-task events not read this time; tried again at the next turn'));
  }

  start(): void {
    this.repeating.start();
  }

  stop(): Promise<void> {
    return this.repeating.stop();
  }

  /** One pass over every emitter; a failure leaves that emitter's events for the next pass. */
  async pollAll(): Promise<void> {
    for (const emitter of EMITTERS) {
      try {
        await this.poll(emitter);
      } catch (err) {
        this.log.debug({ emitter, err: (err as Error).message }, 'outbox events left for the next poll');
      }
    }
  }

  private async call(emitter: string, method: string, path: string, body = ''): Promise<unknown> {
    const url = new URL(path, this.links.url(emitter));
    const sign = createRequestSigner({ secret: this.links.secret(emitter), from: 'coordination', to: emitter });
    const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...sign({ method, path: url.pathname + url.search, body, caller: null }) }, body: method === 'GET' ? undefined : body, signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`${emitter} answered ${res.status} to ${method} ${path}`);
    return res.json();
  }

  private async poll(emitter: string): Promise<void> {
    const { events } = (await this.call(emitter, 'GET', '/outbox?limit=100')) as { events: OutboxEvent[] };
    if (!events.length) return;
    const ids = [...new Set(events.map((e) => e.personId))];
    const persons = new Map<string, EventPerson | null>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      // Throws on any department missing: the events wait for the next poll.
      const data = await this.graph.request<Record<string, EventPerson | null>>(personsQuery(chunk), Object.fromEntries(chunk.map((id, j) => [`p${j}`, id])), OFFICE, PURPOSE);
      chunk.forEach((id, j) => persons.set(id, data[`p${j}`] ?? null));
    }
    const created = await insertTasks(this.db, tasksOf(events, persons));
    await this.call(emitter, 'POST', '/outbox/ack', JSON.stringify({ seqs: events.map((e) => e.seq) }));
    this.log.info({ emitter, events: events.length, tasks: created }, 'review tasks from outbox events');
  }
}

const YEARLY = new Set(['MINIMUM_LIVING_URBAN', 'MINIMUM_LIVING_RURAL', 'EXTREME_POVERTY_CENTRALIZED', 'EXTREME_POVERTY_DISPERSED']);

/**
 * The yearly review (年度复核) of 低保 and 特困 awards: one task per award for each year it has
 * paid, due on the anniversary of its start. Run on every sweep page (the sweep reads every
 * award of the region anyway); the same task is never made twice.
 */
export function yearlyTasks(awards: readonly RuleAward[], persons: readonly RulePerson[], householdRegion: ReadonlyMap<string, string>, today: string): NewReviewTask[] {
  const householdOf = new Map(persons.map((p) => [p.id, p.householdId]));
  return awards.flatMap((a) => {
    if (a.department !== 'CIVIL_AFFAIRS' || !YEARLY.has(a.programme) || a.status !== 'ACTIVE' || a.startDate > today || (a.endDate !== null && a.endDate < today)) return [];
    const householdId = householdOf.get(a.personId) ?? a.householdId;
    const regionCode = householdId ? householdRegion.get(householdId) : undefined;
    if (!householdId || !regionCode) return [];
    const years = Number(today.slice(0, 4)) - Number(a.startDate.slice(0, 4)) - (today.slice(5) < a.startDate.slice(5) ? 1 : 0);
    if (years < 1) return [];
    const anniversary = `${Number(a.startDate.slice(0, 4)) + years}${a.startDate.slice(4)}`;
    return [{ id: taskId('YEARLY', a.department, a.id, anniversary), department: a.department, householdId, regionCode, personId: a.personId, awardId: a.id, reason: `年度复核（${anniversary} 到期）(yearly review)` }];
  });
}
