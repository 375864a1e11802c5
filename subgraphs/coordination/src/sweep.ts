import { randomUUID } from 'node:crypto';
import type { Caller } from '@saf/auth';
import type { Db } from '@saf/db';
import { detectFindings, detectPossibleDuplicateIdentities, type Finding, type RuleAward, type RulePerson } from '@saf/rules';
import type { Logger } from '@saf/service';
import { countStanding, markGone, recordSeen } from './db/findings.ts';
import { createSweep, updateSweep, type SweepRow } from './db/sweeps.ts';
import type { GraphClient } from './graph.ts';
import { SWEEP_PAGE } from './queries.ts';
import { gatherAwards, rulePersons, type HouseholdFacts } from './requires.ts';
import type { RuleSetStore } from './rules.ts';

interface SweepPage {
  householdsInRegion: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { node: HouseholdFacts & { regionCode: string } }[];
  };
}

/** The region a finding is filed under: its household's, or the prefecture for identity leads. */
function regionOf(f: Finding, householdRegion: Map<string, string>, personRegion: Map<string, string>): string {
  if (f.rule === 'POSSIBLE_DUPLICATE_IDENTITY') return (personRegion.get(f.personIds[0]!) ?? '').slice(0, 4);
  return (f.householdId && householdRegion.get(f.householdId)) || personRegion.get(f.personIds[0]!) || '';
}

/**
 * Region sweeps (比对): pages of households through the graph, the rules over each page, findings
 * recorded with stable ids, then what was not seen again marked gone. Runs in the background.
 */
export class SweepRunner {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly graph: GraphClient,
    private readonly rules: RuleSetStore,
    private readonly log: Logger,
    private readonly pageSize = 200,
  ) {}

  /** Starts a sweep that reads the graph with the rights of `caller` (who asked for it). */
  async start(regionCode: string, caller: Caller): Promise<SweepRow> {
    const sweep = await createSweep(this.db, `S-${randomUUID()}`, regionCode, caller.sub);
    const run = this.run(sweep, caller).finally(() => this.running.delete(sweep.id));
    this.running.set(sweep.id, run);
    return sweep;
  }

  /** Resolves when every sweep in progress has ended (shutdown, tests). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  private async run(sweep: SweepRow, caller: Caller): Promise<void> {
    const started = Date.now();
    try {
      const { ruleSet } = await this.rules.current();
      const identityPersons: RulePerson[] = [];
      const identityAwards: RuleAward[] = [];
      const householdRegion = new Map<string, string>();
      const personRegion = new Map<string, string>();
      let after: string | null = null;
      let households = 0;
      let persons = 0;
      let created = 0;
      for (;;) {
        const page: SweepPage = await this.graph.request<SweepPage>(SWEEP_PAGE, { region: sweep.regionCode, first: this.pageSize, after }, caller);
        const { edges, pageInfo, totalCount } = page.householdsInRegion;
        const pagePersons: RulePerson[] = [];
        const pageAwards: RuleAward[] = [];
        for (const { node } of edges) {
          householdRegion.set(node.id, node.regionCode);
          const members = rulePersons(node);
          for (const m of members) personRegion.set(m.id, node.regionCode);
          pagePersons.push(...members);
          pageAwards.push(...gatherAwards([node, ...(node.members ?? [])]));
        }
        identityPersons.push(...pagePersons);
        identityAwards.push(...pageAwards);
        const found = detectFindings({ persons: pagePersons, awards: pageAwards, ruleSet, mode: 'paying' });
        if (found.length) {
          const result = await this.db.transaction((tx) => recordSeen(tx as unknown as Db, found.map((f) => ({ ...f, regionCode: regionOf(f, householdRegion, personRegion) })), sweep.id));
          created += result.created.length;
        }
        households += edges.length;
        persons += pagePersons.length;
        await updateSweep(this.db, sweep.id, { householdsTotal: totalCount, householdsChecked: households, personsChecked: persons, newCount: created });
        if (!pageInfo.hasNextPage) break;
        after = pageInfo.endCursor;
      }
      const identities = detectPossibleDuplicateIdentities(identityPersons, identityAwards);
      const gone = await this.db.transaction(async (tx) => {
        const t = tx as unknown as Db;
        if (identities.length) created += (await recordSeen(t, identities.map((f) => ({ ...f, regionCode: regionOf(f, householdRegion, personRegion) })), sweep.id)).created.length;
        return markGone(t, sweep.regionCode, sweep.id);
      });
      const standing = await countStanding(this.db, sweep.regionCode);
      await updateSweep(this.db, sweep.id, { status: 'DONE', findingsCount: standing, newCount: created, goneCount: gone, finishedAt: new Date().toISOString() });
      const seconds = (Date.now() - started) / 1000;
      this.log.info({ sweep: sweep.id, region: sweep.regionCode, households, persons, seconds, personsPerSecond: Math.round(persons / seconds) }, 'sweep done');
    } catch (err) {
      this.log.warn({ sweep: sweep.id, err: (err as Error).message }, 'sweep failed');
      await updateSweep(this.db, sweep.id, { status: 'FAILED', error: (err as Error).message.slice(0, 500), finishedAt: new Date().toISOString() }).catch(() => {});
    }
  }
}
