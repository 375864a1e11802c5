import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGeneration } from '@saf/generator';
import type { InterchangeRecord } from '@saf/interchange';
import { loadFile } from '@saf/loader';
import type { TestDbMode } from '@saf/testing';
import { writeNdjson } from './files.ts';
import { startSystem, type System } from './system.ts';

interface Comparable {
  rule: string;
  personIds: string[];
  awardIds: string[];
  householdId: string | null;
  overlapStart: string | null;
  overlapEnd: string | null;
}

const key = (f: Comparable) => JSON.stringify([f.rule, [...f.personIds].sort(), [...f.awardIds].sort(), f.householdId, f.overlapStart, f.overlapEnd]);

/**
 * Loads a generated file and checks, for every household, that the graph shows exactly the
 * awards of the file, and that live findings and a sweep find exactly the planted cases.
 */
export function generatedSuite(mode: TestDbMode, households: number, seed: number): void {
  describe(`a generated file of ${households} households on ${mode}`, () => {
    let system: System;
    const generation = createGeneration({ households, seed });
    const records: InterchangeRecord[] = [...generation.records];
    const expected = new Map<string, Set<string>>();
    const membership = new Map<string, string>();
    for (const r of records) if (r.type === 'person') membership.set(r.id, r.householdId);
    for (const r of records) {
      if (r.type === 'household') expected.set(r.id, new Set());
      if (r.type !== 'award') continue;
      const of = new Set([membership.get(r.personId), r.householdId].filter((h): h is string => !!h));
      for (const h of of) expected.get(h)?.add(`${r.department}:${r.id}`);
    }
    const householdIds = [...expected.keys()];
    const sweepPageSize = Math.max(1, Math.floor(households / 3));

    beforeAll(async () => {
      // Sweep pages of a third of the households: several pages, fetched ahead, and a short last one.
      system = await startSystem({ mode, sweepPageSize });
      const result = await loadFile(await writeNdjson(records), system.loadOptions);
      expect(result).toMatchObject({ ok: true, records: records.length });
    });
    afterAll(() => system?.stop());

    it('shows every household exactly the awards of the file, from all departments', async () => {
      let compared = 0;
      for (let i = 0; i < householdIds.length; i += 40) {
        const ids = householdIds.slice(i, i + 40);
        const res = await system.query(`query ($ids: [ID!]!) { households(ids: $ids) { id awards { id department } } }`, { ids });
        expect(res.errors).toBeUndefined();
        for (const h of res.data!.households) {
          const got = new Set<string>(h.awards.map((a: { id: string; department: string }) => `${a.department}:${a.id}`));
          expect([...got].sort()).toEqual([...expected.get(h.id)!].sort());
          compared++;
        }
      }
      expect(compared).toBe(households);
      const departments = new Set(records.filter((r) => r.type === 'award').map((r) => (r as { department: string }).department));
      expect(departments.size).toBe(7);
    });

    it('finds exactly the planted duplicates live, household by household', async () => {
      const planted = generation.planted.filter((f) => f.rule !== 'POSSIBLE_DUPLICATE_IDENTITY');
      expect(planted.length).toBeGreaterThan(0);
      const live: Comparable[] = [];
      for (let i = 0; i < householdIds.length; i += 40) {
        const res = await system.query(`query ($ids: [ID!]!) { households(ids: $ids) { duplicateAidFindings { rule personIds awardIds householdId overlapStart overlapEnd } } }`, { ids: householdIds.slice(i, i + 40) });
        expect(res.errors).toBeUndefined();
        for (const h of res.data!.households) live.push(...h.duplicateAidFindings);
      }
      expect(live.map(key).sort()).toEqual(planted.map(key).sort());
    });

    it('finds exactly the planted duplicates in a sweep, identity leads included', async () => {
      const started = await system.query(`mutation { runDuplicateAidSweep(regionCode: "6540") { id } }`);
      expect(started.errors).toBeUndefined();
      let sweep: { status: string; personsChecked: number; error: string | null } = { status: 'RUNNING', personsChecked: 0, error: null };
      for (let i = 0; i < 600 && (sweep.status === 'RUNNING' || sweep.status === 'QUEUED'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        sweep = (await system.query(`query ($id: ID!) { duplicateAidSweep(id: $id) { status personsChecked error } }`, { id: started.data!.runDuplicateAidSweep.id })).data!.duplicateAidSweep;
      }
      expect(sweep).toMatchObject({ status: 'DONE', error: null, personsChecked: membership.size });
      const stored: Comparable[] = [];
      let after: string | null = null;
      for (;;) {
        const res: { data?: any; errors?: unknown[] } = await system.query(`query ($after: String) { duplicateAidFindings(regionCode: "6540", first: 200, after: $after) { edges { node { rule personIds awardIds householdId overlapStart overlapEnd } } pageInfo { hasNextPage endCursor } } }`, { after });
        expect(res.errors).toBeUndefined();
        const page: { edges: { node: Comparable }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } = res.data!.duplicateAidFindings;
        stored.push(...page.edges.map((e: { node: Comparable }) => e.node));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      const identity = (f: Comparable) => (f.rule === 'POSSIBLE_DUPLICATE_IDENTITY' ? JSON.stringify([f.rule, [...f.personIds].sort()]) : key(f));
      expect(stored.map(identity).sort()).toEqual(generation.planted.map(identity).sort());

      // Each page was one logged read: it names the page's households and members, as the coordinator's.
      const last = householdIds.at(-1)!;
      const members = [...membership].filter(([, h]) => h === last).map(([p]) => p);
      const log = await system.query(`query ($id: ID!) { accessLog(personId: $id, first: 20) { edges { node { sub operation subjectIds } } } }`, { id: last }, { caller: { sub: 'auditor-1', role: 'AUDITOR' } });
      expect(log.errors).toBeUndefined();
      const entry = log.data!.accessLog.edges.map((e: { node: { sub: string; operation: string; subjectIds: string[] } }) => e.node).find((n: { operation: string }) => n.operation === 'SweepBatch');
      expect(entry).toMatchObject({ sub: 'coordinator-1' });
      expect(entry.subjectIds).toEqual(expect.arrayContaining([last, ...members]));
      // The plan names where pages start: those households are in its entry.
      const firstStart = [...householdIds].sort()[sweepPageSize - 1]!;
      const planLog = await system.query(`query ($id: ID!) { accessLog(personId: $id, first: 20) { edges { node { sub operation } } } }`, { id: firstStart }, { caller: { sub: 'auditor-1', role: 'AUDITOR' } });
      expect(planLog.data!.accessLog.edges.map((e: { node: { sub: string; operation: string } }) => e.node)).toContainEqual({ sub: 'coordinator-1', operation: 'SweepPlan' });
    });
  });
}
