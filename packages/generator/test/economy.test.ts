import { describe, expect, it } from 'vitest';
import type { AwardRecord, IncomeRecord, InterchangeRecord, PersonRecord, PropertyRecord, StandardRecord } from '@saf/interchange';
import { STANDARD_PROGRAMMES } from '@saf/programmes';
import { makeResidentId } from '@saf/identity';
import { COUNTIES, FOUND_OVER_STANDARD, INELIGIBLE_KINDS, Rng, STANDARD_YEARS, generate } from '../src/index.ts';
import { householdMeans } from '../src/economy.ts';
import type { Household } from '../src/households.ts';
import { Registry } from '../src/registry.ts';
import { generated } from './helpers.ts';

const g = generated({ households: 600, seed: 'records' });
const of = <T extends InterchangeRecord['type']>(type: T) => g.records.filter((r): r is Extract<InterchangeRecord, { type: T }> => r.type === type);
const households = new Map(of('household').map((h) => [h.id, h]));
const persons = new Map(of('person').map((p) => [p.id, p]));
const awards = of('award');
const incomes = of('income');
const properties = of('property');
const standards = of('standard');
const membersOf = new Map<string, PersonRecord[]>();
for (const p of persons.values()) membersOf.set(p.householdId, [...(membersOf.get(p.householdId) ?? []), p]);

const AS_OF = '2026-06-30';
const covers = (start: string, end: string | null | undefined, day: string) => start <= day && (end == null || end >= day);

/** The standard in force for a programme at a place on a day: the longest prefix whose period covers it. */
function standardOf(programme: string, regionCode: string, day: string): StandardRecord | undefined {
  return standards.filter((s) => s.programme === programme && regionCode.startsWith(s.regionCode) && covers(s.startDate, s.endDate, day)).sort((a, b) => b.regionCode.length - a.regionCode.length)[0];
}

/** SPEC section 10's 低保 conditions on a day, as a casework assessment would check them; the unmet ones. */
function unmet(householdId: string, programme: string, day: string): string[] {
  const members = membersOf.get(householdId)!;
  const living = members.filter((m) => !m.deathDate || m.deathDate > day);
  const ids = new Set(members.map((m) => m.id));
  const total = incomes.filter((i) => ids.has(i.personId) && living.some((m) => m.id === i.personId) && covers(i.startDate, i.endDate, day)).reduce((s, i) => s + i.monthlyFen, 0);
  const held = properties.filter((p) => ids.has(p.personId) && covers(p.acquiredDate, p.disposedDate, day));
  const standard = standardOf(programme, households.get(householdId)!.regionCode, day)!;
  const out: string[] = [];
  if (!(total / living.length < standard.monthlyFen)) out.push('INCOME_OVER_STANDARD');
  if (held.some((p) => p.kind === 'COMMERCIAL')) out.push('COMMERCIAL_PROPERTY');
  if (held.filter((p) => p.kind === 'RESIDENTIAL').length > 1) out.push('TWO_RESIDENCES');
  return out;
}

/** Households paid 低保 on the registry's day, and the programme. */
const paying = new Map<string, string>();
for (const a of awards) if (a.programme.startsWith('MINIMUM_LIVING_') && a.status === 'ACTIVE' && covers(a.startDate, a.endDate, AS_OF)) paying.set(a.householdId!, a.programme);
const planted = new Set(g.planted.map((f) => f.householdId));

describe('generated means and standards (SPEC section 10)', () => {
  it('gives incomes and properties ids of their own and persons of the file', () => {
    for (const list of [incomes, properties, standards] as { id: string }[][]) expect(new Set(list.map((r) => r.id)).size).toBe(list.length);
    for (const r of [...incomes, ...properties]) expect(persons.has(r.personId), r.id).toBe(true);
    for (const i of incomes) expect(i.id).toMatch(/^RS-INC-(G[0-9A-Z]{5}-)?\d{8}$/);
    for (const p of properties) expect(p.id).toMatch(/^ZJ-PR-(G[0-9A-Z]{5}-)?\d{8}$/);
    // No income paid after its person died.
    for (const i of incomes) {
      const death = persons.get(i.personId)!.deathDate;
      if (death) expect(i.endDate !== null && i.endDate! <= death, i.id).toBe(true);
    }
  });

  it('pays each unemployment insurance award as an income of the same person, amount and period', () => {
    const paid = awards.filter((a) => a.programme === 'UNEMPLOYMENT_INSURANCE' && (a.status === 'ACTIVE' || a.status === 'ENDED'));
    expect(paid.length).toBeGreaterThan(5);
    const key = (r: { personId: string; startDate: string; endDate?: string | null }, amount: number) => `${r.personId}|${r.startDate}|${r.endDate ?? ''}|${amount}`;
    const ui = incomes.filter((i) => i.source === 'UNEMPLOYMENT_INSURANCE').map((i) => key(i, i.monthlyFen)).sort();
    expect(ui).toEqual(paid.map((a: AwardRecord) => key(a, a.amountFen)).sort());
  });

  it('has wages for working-age members of many households, pensions for many of the old, every source', () => {
    const sources = new Set(incomes.map((i) => i.source));
    expect([...sources].sort()).toEqual(['BUSINESS', 'OTHER', 'PENSION', 'UNEMPLOYMENT_INSURANCE', 'WAGE']);
    const age = (p: PersonRecord) => Number(AS_OF.slice(0, 4)) - Number(p.birthDate.slice(0, 4));
    const wageEarners = new Set(incomes.filter((i) => i.source === 'WAGE').map((i) => i.personId));
    for (const id of wageEarners) expect(age(persons.get(id)!), id).toBeGreaterThanOrEqual(17);
    const old = [...persons.values()].filter((p) => age(p) >= 62 && !p.deathDate);
    const pensioned = old.filter((p) => incomes.some((i) => i.personId === p.id && i.source === 'PENSION'));
    expect(pensioned.length).toBeGreaterThan(old.length / 2);
    expect(wageEarners.size).toBeGreaterThan(households.size / 5);
  });

  it('gives most households one residence, some land, a few a second home, a shop or a parking space', () => {
    const held = (kind: PropertyRecord['kind']) => {
      const byHousehold = new Map<string, number>();
      for (const p of properties) if (p.kind === kind && covers(p.acquiredDate, p.disposedDate, AS_OF)) byHousehold.set(persons.get(p.personId)!.householdId, (byHousehold.get(persons.get(p.personId)!.householdId) ?? 0) + 1);
      return byHousehold;
    };
    const homes = held('RESIDENTIAL');
    expect(homes.size).toBeGreaterThan(households.size * 0.6);
    expect([...homes.values()].filter((n) => n === 1).length).toBeGreaterThan(homes.size * 0.85);
    expect([...homes.values()].some((n) => n >= 2)).toBe(true);
    expect(held('COMMERCIAL').size).toBeGreaterThan(0);
    expect(held('LAND').size).toBeGreaterThan(0);
    expect(held('VEHICLE_PARKING').size).toBeGreaterThan(0);
    // Some sold an earlier home: held once, no longer.
    expect(properties.some((p) => p.kind === 'RESIDENTIAL' && p.disposedDate !== null)).toBe(true);
  });

  it('sets 低保 and 特困 standards for every county and year, the last one open, the ones the awards were computed with', () => {
    expect(standards).toHaveLength(COUNTIES.length * STANDARD_YEARS.length * STANDARD_PROGRAMMES.length);
    for (const county of COUNTIES) {
      for (const programme of STANDARD_PROGRAMMES) {
        for (const year of STANDARD_YEARS) expect(standardOf(programme, county.code, `${year}-07-01`), `${county.code} ${programme} ${year}`).toBeDefined();
        expect(standardOf(programme, county.code, '2030-01-01')!.endDate).toBeNull();
      }
      // Urban above rural; 特困 at 1.3 times the urban standard.
      const urban = standardOf('MINIMUM_LIVING_URBAN', county.code, '2025-07-01')!.monthlyFen;
      expect(urban).toBeGreaterThan(standardOf('MINIMUM_LIVING_RURAL', county.code, '2025-07-01')!.monthlyFen);
      expect(standardOf('EXTREME_POVERTY_DISPERSED', county.code, '2025-07-01')!.monthlyFen).toBe(Math.round((urban * 1.3) / 100) * 100);
    }
    let compared = 0;
    for (const a of awards) {
      const details = a.details as { localStandardFen?: number };
      // The head's award starts with the spell (a child born during it joins later, at the spell's amounts).
      if (!a.programme.startsWith('MINIMUM_LIVING_') || details.localStandardFen === undefined || planted.has(a.householdId!) || persons.get(a.personId)!.relation !== 'HEAD') continue;
      expect(standardOf(a.programme, a.regionCode, a.startDate)!.monthlyFen, a.id).toBe(details.localStandardFen);
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('keeps every household on 低保 within its conditions on the registry’s day and today, but those listed ineligible, which fail exactly theirs while listed', () => {
    expect(new Set(g.ineligible.map((c) => c.kind))).toEqual(new Set([...INELIGIBLE_KINDS]));
    const condition = (kind: string) => (kind === FOUND_OVER_STANDARD ? 'INCOME_OVER_STANDARD' : kind);
    let background = 0;
    for (const [householdId, programme] of paying) {
      if (planted.has(householdId)) continue;
      const cases = g.ineligible.filter((c) => c.householdId === householdId);
      for (const day of [AS_OF, '2026-12-07']) {
        const expected = [...new Set(cases.filter((c) => covers(c.from, c.until, day)).map((c) => condition(c.kind)))].sort();
        expect(unmet(householdId, programme, day).sort(), `${householdId} on ${day}`).toEqual(expected);
      }
      if (!cases.length) background++;
    }
    expect(background).toBeGreaterThan(100);
    // The listed records are named, and are the household's members'; planted ones from a day the household was paid.
    for (const c of g.ineligible) {
      expect(paying.get(c.householdId)).toBe(c.programme);
      const ids = new Set(membersOf.get(c.householdId)!.map((m) => m.id));
      for (const id of c.personIds) expect(ids.has(id)).toBe(true);
      const records = [...incomes, ...properties].filter((r) => c.recordIds.includes(r.id));
      expect(records).toHaveLength(c.recordIds.length);
      expect(c.from <= AS_OF, c.householdId).toBe(true);
    }
  });

  it('lists a household whose unemployment insurance alone reaches the standard, found not planted, for the benefit’s period', () => {
    const member = { id: makeResidentId('654002', '1980-04-01', 11), name: '测试', gender: 'MALE' as const, birthDate: '1980-04-01', relation: 'HEAD' as const, deathDate: null };
    const household: Household = { id: 'H-UI', place: { regionCode: '654002', county: COUNTIES[0]!, township: null, urban: true }, hukou: 'URBAN', address: '', ethnicity: 'HAN', type: 'SINGLE_ADULT', members: [member] };
    const award = (id: string, programme: string, amountFen: number, startDate: string, endDate: string | null, details: Record<string, unknown> = {}): AwardRecord => ({
      type: 'award', id, department: programme === 'UNEMPLOYMENT_INSURANCE' ? 'LABOUR' : 'CIVIL_AFFAIRS', programme, personId: member.id, householdId: household.id, regionCode: '654002',
      amountFen, frequency: 'MONTHLY', startDate, endDate, status: 'ACTIVE', details,
    });
    const minimumLiving = award('CA-1', 'MINIMUM_LIVING_URBAN', 60_000, '2024-01-01', null, { householdSize: 1, localStandardFen: 70_000, incomePerCapitaFen: 10_000 });
    const over = householdMeans(Rng.of('ui'), new Registry(), household, [minimumLiving, award('LB-1', 'UNEMPLOYMENT_INSURANCE', 171_000, '2026-03-01', '2026-10-31')], null);
    expect(over.ineligible).toEqual([
      { kind: FOUND_OVER_STANDARD, from: '2026-03-01', until: '2026-10-31', householdId: 'H-UI', programme: 'MINIMUM_LIVING_URBAN', personIds: [member.id], recordIds: [over.means.incomes[0]!.id] },
    ]);
    // Below the standard it is no case; nor when the benefit was paid before the registry's day.
    expect(householdMeans(Rng.of('ui'), new Registry(), household, [minimumLiving, award('LB-2', 'UNEMPLOYMENT_INSURANCE', 30_000, '2026-03-01', '2026-10-31')], null).ineligible).toEqual([]);
    expect(householdMeans(Rng.of('ui'), new Registry(), household, [minimumLiving, award('LB-3', 'UNEMPLOYMENT_INSURANCE', 171_000, '2025-01-01', '2025-10-31')], null).ineligible).toEqual([]);
  });

  it('plants no ineligible household without planting', () => {
    const unplanted = generated({ households: 120, seed: 'clean', plant: false });
    expect(unplanted.ineligible.filter((c) => c.kind !== FOUND_OVER_STANDARD)).toEqual([]);
    expect(unplanted.records.filter((r) => r.type === 'income').length).toBeGreaterThan(0);
    expect([...generate({ households: 120, seed: 'clean', plant: false })]).toEqual(unplanted.records);
  });
});
