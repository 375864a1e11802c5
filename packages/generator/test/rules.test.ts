import { describe, expect, it } from 'vitest';
import type { AwardRecord, PersonRecord } from '@saf/interchange';
import { programme } from '@saf/programmes';
import { NEAR_MISS_KINDS, type NearMiss } from '../src/index.ts';
import { nameKey } from '@saf/rules';
import { bruteForceFindings, canonical } from './checker.ts';
import { generated } from './helpers.ts';

describe.each([
  { households: 20, seed: 'small' },
  { households: 1200, seed: 42 },
  { households: 500, seed: 'yining', regionPrefix: '654002' },
])('findings of a generated file ($households households, seed $seed)', (options) => {
  const g = generated(options);
  const findings = bruteForceFindings(g.records);

  it('are exactly the planted ones: the background is clean', () => {
    expect(canonical(findings)).toEqual(canonical(g.planted));
  });

  it('include every rule, three findings from three overlapping awards, and open-ended overlaps', () => {
    const rules = new Set(g.planted.map((f) => f.rule));
    expect([...rules].sort()).toEqual(['AWARD_AFTER_DEATH', 'EXCLUSIVE_PROGRAMMES', 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES', 'POSSIBLE_DUPLICATE_IDENTITY', 'SAME_PROGRAMME_OVERLAP']);
    const perPersonSame = new Map<string, number>();
    for (const f of g.planted.filter((x) => x.rule === 'SAME_PROGRAMME_OVERLAP')) perPersonSame.set(f.personIds[0]!, (perPersonSame.get(f.personIds[0]!) ?? 0) + 1);
    expect([...perPersonSame.values()]).toContain(3);
    expect(g.planted.some((f) => f.rule === 'AWARD_AFTER_DEATH' && f.overlapEnd === null)).toBe(true);
    expect(g.planted.some((f) => f.rule === 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES' && f.personIds.length === 2)).toBe(true);
    expect(g.planted.some((f) => f.rule === 'SAME_PROGRAMME_OVERLAP' && f.overlapStart === f.overlapEnd)).toBe(true);
  });

  it('plant every exclusive pair of SPEC section 7', () => {
    const awards = new Map(g.records.filter((r): r is AwardRecord => r.type === 'award').map((a) => [a.id, a]));
    const pairs = new Set(g.planted.filter((f) => f.rule === 'EXCLUSIVE_PROGRAMMES').map((f) => f.awardIds.map((id) => awards.get(id)!.programme).sort().join('|')));
    expect(pairs.size).toBe(10);
  });

  it('contain the near misses, none of which is a finding', () => {
    expect(new Set(g.nearMisses.map((n) => n.kind))).toEqual(new Set(NEAR_MISS_KINDS));
    const inFindings = new Set(findings.flatMap((f) => f.awardIds));
    for (const n of g.nearMisses) {
      checkNearMiss(n, g.records);
      for (const id of n.awardIds) expect(inFindings.has(id), `${n.kind} ${id}`).toBe(false);
    }
  });

  it('plant duplicate identities the way a registry gets them: other ID, other spelling or script, another household', () => {
    const persons = new Map(g.records.filter((r): r is PersonRecord => r.type === 'person').map((p) => [p.id, p]));
    const identities = g.planted.filter((f) => f.rule === 'POSSIBLE_DUPLICATE_IDENTITY');
    expect(identities.length).toBeGreaterThanOrEqual(2);
    for (const f of identities) {
      const [a, b] = f.personIds.map((id) => persons.get(id)!);
      expect(a!.id).not.toBe(b!.id);
      expect(a!.id.slice(0, 14)).toBe(b!.id.slice(0, 14));
      expect(a!.householdId).not.toBe(b!.householdId);
      expect(a!.name).not.toBe(b!.name);
      expect(nameKey(a!.name)).toBe(nameKey(b!.name));
    }
  });
});

describe('without planted cases', () => {
  it('has no finding at all', () => {
    const g = generated({ households: 800, seed: 'clean', plant: false });
    expect(g.planted).toEqual([]);
    expect(g.nearMisses).toEqual([]);
    expect(bruteForceFindings(g.records)).toEqual([]);
  });
});

describe('planting', () => {
  it('plants about one household in fifty, spread across the file', () => {
    const g = generated({ households: 1200, seed: 42 });
    const planted = new Set([...g.planted.map((f) => f.householdId), ...g.nearMisses.map((n) => n.householdId)].filter((h): h is string => h !== null));
    const order = g.records.filter((r) => r.type === 'household').map((h) => h.id);
    const positions = [...planted].map((h) => order.indexOf(h)).sort((a, b) => a - b);
    expect(positions[0]).toBeGreaterThan(0);
    expect(positions.at(-1)!).toBeGreaterThan(1000);
    expect(planted.size).toBeGreaterThan(15);
  });
});

function checkNearMiss(n: NearMiss, records: ReturnType<typeof generated>['records']): void {
  const byId = new Map(records.filter((r): r is AwardRecord => r.type === 'award').map((a) => [a.id, a]));
  const persons = new Map(records.filter((r): r is PersonRecord => r.type === 'person').map((p) => [p.id, p]));
  const awards = n.awardIds.map((id) => byId.get(id)!);
  const end = (a: AwardRecord) => (a.frequency === 'ONCE' ? (a.endDate ?? a.startDate) : (a.endDate ?? '9999-12-31'));
  const overlap = (a: AwardRecord, b: AwardRecord) => a.startDate <= end(b) && b.startDate <= end(a);
  const dayAfter = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const [a, b] = awards;
  switch (n.kind) {
    case 'BACK_TO_BACK':
    case 'ONCE_AFTER_PERIOD': {
      const [first, second] = [a!, b!].sort((x, y) => (x.startDate < y.startDate ? -1 : 1));
      expect(first!.programme).toBe(second!.programme);
      expect(first!.personId).toBe(second!.personId);
      expect(dayAfter(first!.endDate!)).toBe(second!.startDate);
      if (n.kind === 'ONCE_AFTER_PERIOD') expect(second!.frequency).toBe('ONCE');
      break;
    }
    case 'REPEATABLE_OVERLAP':
      expect(a!.programme).toBe(b!.programme);
      expect(programme(a!.programme)!.repeatable).toBe(true);
      expect(overlap(a!, b!)).toBe(true);
      break;
    case 'SUSPENDED_OVERLAP':
    case 'PENDING_OVERLAP':
    case 'REJECTED_OVERLAP': {
      const status = n.kind.replace('_OVERLAP', '');
      expect(awards.map((x) => x.status).sort()).toEqual(['ACTIVE', status].sort());
      expect(a!.programme).toBe(b!.programme);
      expect(overlap(a!, b!)).toBe(true);
      break;
    }
    case 'EXCLUSIVE_ACROSS_MEMBERS':
      expect(a!.personId).not.toBe(b!.personId);
      expect(persons.get(a!.personId)!.householdId).toBe(persons.get(b!.personId)!.householdId);
      expect(overlap(a!, b!)).toBe(true);
      break;
    case 'DEATH_ON_LAST_PAID_DAY':
      expect(end(a!)).toBe(persons.get(a!.personId)!.deathDate);
      break;
  }
}
