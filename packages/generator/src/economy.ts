/**
 * A household's means as labour and housing know them (SPEC section 10), and civil affairs'
 * standards: incomes (wages, pensions, unemployment insurance, business), properties (residences,
 * commercial property, land, parking) and the monthly 低保 and 特困 standards of each county.
 *
 * Drawn after a household's awards, from a random stream of its own, so that the awards are the
 * same as without them. A household on 低保 has the income its award records
 * (`incomePerCapitaFen` a head, over its living members), at most one residence and no commercial
 * property, unless it is one of the planted ineligible cases (`INELIGIBLE_KINDS`).
 */
import type { AwardRecord, IncomeRecord, PropertyRecord, StandardRecord } from '@saf/interchange';
import { minimumLivingStandard } from './aid.ts';
import { AS_OF, FIRST_DAY, addDays, addMonths, addYears, ageOn, dayBefore, maxDate, minDate, monthStart, randomDate } from './dates.ts';
import type { Household, Member } from './households.ts';
import type { Rng } from './random.ts';
import type { County } from './regions.ts';
import type { Registry } from './registry.ts';
import { isPaying } from './rules.ts';

/** Planted households on 低保 that the economic check must find ineligible (SPEC section 10's conditions). */
export const INELIGIBLE_KINDS = [
  /** A member holds a commercial property (商业用房). */
  'COMMERCIAL_PROPERTY',
  /** The household holds two residences. */
  'TWO_RESIDENCES',
  /** A new wage lifts the income per head to the standard or above. */
  'INCOME_OVER_STANDARD',
] as const;
export type IneligibleKind = (typeof INELIGIBLE_KINDS)[number];

/**
 * Not planted but found: a member's unemployment insurance benefit (drawn with the awards, before
 * the means) alone lifts the income per head to the standard or above while it is paid. About
 * one household on 低保 in a thousand.
 */
export const FOUND_OVER_STANDARD = 'UNEMPLOYMENT_OVER_STANDARD';

/** A 低保 household that fails a condition: what makes it so, the records that do, and when. */
export interface IneligibleCase {
  kind: IneligibleKind | typeof FOUND_OVER_STANDARD;
  /** The days it fails the condition, both inclusive (`until` null: open): the records' period. */
  from: string;
  until: string | null;
  householdId: string;
  /** The 低保 programme it is paid (urban or rural). */
  programme: string;
  /** The members holding the records below. */
  personIds: string[];
  /** The income or property records that make it ineligible. */
  recordIds: string[];
}

export interface HouseholdMeans {
  incomes: IncomeRecord[];
  properties: PropertyRecord[];
}

/** Years the standards cover: every year of the data; the last one stays in force (open-ended). */
export const STANDARD_YEARS = [2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026] as const;

/** 特困 basic living standard: 1.3 × the urban 低保 standard, to the yuan (as `extremePoverty` pays it). */
export function extremePovertyStandard(year: number, county: County): number {
  return Math.round((minimumLivingStandard(true, year, county) * 1.3) / 100) * 100;
}

const STANDARD_CODES = [
  ['MINIMUM_LIVING_URBAN', 'LU'],
  ['MINIMUM_LIVING_RURAL', 'LR'],
  ['EXTREME_POVERTY_CENTRALIZED', 'TC'],
  ['EXTREME_POVERTY_DISPERSED', 'TD'],
] as const;

/**
 * Civil affairs' standards for the counties: 低保 urban and rural and 特困 (both forms of
 * support) per county and calendar year, each year's in force from 1 January to 31 December and
 * the last one until a new one is set. The amounts are the ones the awards are computed with
 * (`minimumLivingStandard`): plausible, not the published figures (see the README).
 */
export function standardRecords(counties: readonly County[]): StandardRecord[] {
  const out: StandardRecord[] = [];
  for (const county of counties) {
    for (const year of STANDARD_YEARS) {
      const last = year === STANDARD_YEARS[STANDARD_YEARS.length - 1];
      for (const [programme, code] of STANDARD_CODES) {
        const monthlyFen = programme.startsWith('MINIMUM_LIVING') ? minimumLivingStandard(programme === 'MINIMUM_LIVING_URBAN', year, county) : extremePovertyStandard(year, county);
        out.push({ type: 'standard', id: `MZ-STD-${county.code}-${year}-${code}`, department: 'CIVIL_AFFAIRS', programme, regionCode: county.code, monthlyFen, startDate: `${year}-01-01`, endDate: last ? null : `${year}-12-31` });
      }
    }
  }
  return out;
}

const age = (m: Member): number => ageOn(m.birthDate, AS_OF);
const alive = (m: Member): boolean => m.deathDate === null;
const MINIMUM_LIVING = new Set(['MINIMUM_LIVING_URBAN', 'MINIMUM_LIVING_RURAL']);
const RENTS = new Set(['LOW_RENT_HOUSING', 'RENTAL_SUBSIDY']);

/** An award of one of `programmes` active on the registry's day, the latest one when several. */
function activeOn(awards: readonly AwardRecord[], programmes: ReadonlySet<string>): AwardRecord | null {
  let current: AwardRecord | null = null;
  for (const a of awards) {
    if (!programmes.has(a.programme) || a.status !== 'ACTIVE' || a.startDate > AS_OF || (a.endDate != null && a.endDate < AS_OF)) continue;
    if (!current || a.startDate > current.startDate) current = a;
  }
  return current;
}

/** The 低保 award a household is paid on the registry's day (the latest when several), or null. */
export const currentMinimumLiving = (awards: readonly AwardRecord[]): AwardRecord | null => activeOn(awards, MINIMUM_LIVING);
const EXTREME_POVERTY = new Set(['EXTREME_POVERTY_CENTRALIZED', 'EXTREME_POVERTY_DISPERSED']);

/** What labour and housing hold on one household, and a planted ineligible case if asked for. */
export class MeansBuilder {
  readonly incomes: IncomeRecord[] = [];
  readonly properties: PropertyRecord[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly registry: Registry,
    private readonly household: Household,
  ) {}

  income(person: Member, source: IncomeRecord['source'], monthlyFen: number, startDate: string, endDate: string | null): IncomeRecord {
    // Nothing is paid after a death: the record stops on the day.
    const end = person.deathDate !== null && (endDate === null || endDate > person.deathDate) ? person.deathDate : endDate;
    const record: IncomeRecord = { type: 'income', id: `RS-INC-${this.registry.tag}${String(this.registry.next('income')).padStart(8, '0')}`, department: 'LABOUR', personId: person.id, source, monthlyFen, startDate, endDate: end };
    if (end !== null && end < startDate) return record; // not kept: a death before it began
    this.incomes.push(record);
    return record;
  }

  property(person: Member, kind: PropertyRecord['kind'], areaSqm: number, acquiredDate: string, disposedDate: string | null = null): PropertyRecord {
    const record: PropertyRecord = { type: 'property', id: `ZJ-PR-${this.registry.tag}${String(this.registry.next('property')).padStart(8, '0')}`, department: 'HOUSING', personId: person.id, kind, areaSqm, acquiredDate, disposedDate };
    this.properties.push(record);
    return record;
  }

  /** Unemployment insurance benefit as an income, as the labour award pays it (paying awards only). */
  unemploymentInsurance(awards: readonly AwardRecord[]): void {
    const members = new Map(this.household.members.map((m) => [m.id, m]));
    for (const a of awards) {
      const person = members.get(a.personId);
      if (a.programme !== 'UNEMPLOYMENT_INSURANCE' || !isPaying(a.status) || !person) continue;
      this.income(person, 'UNEMPLOYMENT_INSURANCE', a.amountFen, a.startDate, a.endDate ?? null);
    }
  }

  /** The day someone aged 18 could first have earned, within the data's years. */
  private earliest(m: Member): string {
    return maxDate('2012-01-01', addYears(m.birthDate, 18));
  }

  /** Area in m² to the hundredth (a register gives 86.37 m², not 86 m²). */
  area(min: number, max: number): number {
    return this.rng.int(min * 100, max * 100) / 100;
  }

  /** One residence registered to the head (or, sometimes, the spouse), most households. */
  residence(holder: Member, urban: boolean, acquiredFrom = '1995-01-01'): PropertyRecord {
    const acquired = randomDate(this.rng, maxDate(acquiredFrom, addYears(holder.birthDate, 18)), '2024-12-31');
    // A few sold an earlier home before buying this one: held once, disposed of before.
    if (this.rng.chance(0.06)) {
      const earlier = randomDate(this.rng, maxDate('1990-01-01', addYears(holder.birthDate, 18)), dayBefore(acquired));
      if (earlier < acquired) this.property(holder, 'RESIDENTIAL', urban ? this.area(40, 80) : this.area(60, 140), earlier, dayBefore(acquired));
    }
    return this.property(holder, 'RESIDENTIAL', urban ? this.area(45, 125) : this.area(70, 220), acquired);
  }

  /** Wages, business income and pensions of a household not on 低保, at Ili's levels (a member who died: until the day). */
  ordinaryIncomes(urban: boolean): void {
    const { rng } = this;
    for (const m of this.household.members) {
      const years = age(m);
      const from = this.earliest(m);
      if (years >= 60) {
        // Urban retirees draw an enterprise pension (企业职工养老金); rural residents the basic one (城乡居民基础养老金).
        const pensionFrom = maxDate('2014-07-01', addYears(m.birthDate, 60));
        if (pensionFrom <= AS_OF && rng.chance(urban ? 0.85 : 0.95)) this.income(m, 'PENSION', urban ? rng.step(260_000, 480_000, 100) : rng.step(18_000, 36_000, 100), pensionFrom, null);
      } else if (years >= 18 && from <= AS_OF) {
        const r = rng.next();
        if (urban ? r < 0.72 : r < 0.3) this.wages(m, urban ? [200_000, 750_000] : [170_000, 420_000]);
        else if (!urban && r < 0.72) this.income(m, 'BUSINESS', rng.step(60_000, 320_000, 100), randomDate(rng, from, AS_OF), null);
        else if (urban && r < 0.8) this.income(m, 'BUSINESS', rng.step(150_000, 600_000, 100), randomDate(rng, from, AS_OF), null);
      }
    }
  }

  /** Someone in 特困 support has no income to speak of: the basic pension of the old (城乡居民基础养老金), if any. */
  extremePovertyIncomes(): void {
    for (const m of this.household.members) {
      const pensionFrom = maxDate('2014-07-01', addYears(m.birthDate, 60));
      if (pensionFrom <= AS_OF && this.rng.chance(0.7)) this.income(m, 'PENSION', this.rng.step(15_000, 25_000, 100), pensionFrom, null);
    }
  }

  /** A job, sometimes after an earlier one that ended. */
  private wages(m: Member, [min, max]: readonly [number, number]): void {
    const { rng } = this;
    const from = this.earliest(m);
    const start = randomDate(rng, from, AS_OF);
    if (rng.chance(0.25) && start > addMonths(from, 13)) {
      const earlierStart = randomDate(rng, from, addMonths(start, -13));
      this.income(m, 'WAGE', rng.step(min, max, 100), earlierStart, dayBefore(addMonths(earlierStart, rng.int(6, 12))));
    }
    this.income(m, 'WAGE', rng.step(min, max, 100), start, rng.chance(0.12) ? minDate(addDays(start, rng.int(90, 900)), addDays(AS_OF, -1)) : null);
  }

  /**
   * Incomes of a household on 低保 that add up, on the registry's day, to what its award records:
   * `incomePerCapitaFen` for each living member (unemployment insurance already paid counts),
   * as small pensions of the old, flexible work (灵活就业) of someone of working age, or support
   * from relatives. Rounded down to the yuan, so never above it.
   */
  minimumLivingIncomes(award: AwardRecord): void {
    const { rng } = this;
    const perHead = Number((award.details as { incomePerCapitaFen?: number }).incomePerCapitaFen ?? 0);
    const living = this.household.members.filter(alive);
    const paid = this.incomes.filter((i) => i.startDate <= AS_OF && (i.endDate == null || i.endDate >= AS_OF)).reduce((s, i) => s + i.monthlyFen, 0);
    let rest = Math.floor((perHead * living.length - paid) / 100) * 100;
    if (rest <= 0) return;
    for (const m of living.filter((x) => age(x) >= 60)) {
      const pension = Math.min(rest, rng.step(15_000, 28_000, 100));
      if (pension <= 0) break;
      this.income(m, 'PENSION', pension, maxDate('2014-07-01', addYears(m.birthDate, 60)), null);
      rest -= pension;
    }
    if (rest <= 0) return;
    const worker = living.find((x) => age(x) >= 18 && age(x) < 60);
    if (worker) {
      const from = maxDate(addMonths(award.startDate, -24), this.earliest(worker));
      this.income(worker, rng.chance(0.8) ? 'WAGE' : 'BUSINESS', rest, maxDate(monthStart(randomDate(rng, from, AS_OF)), from), null);
    } else this.income(living[0] ?? this.household.members[0]!, 'OTHER', rest, monthStart(randomDate(rng, maxDate(award.startDate, '2019-01-01'), AS_OF)), null);
  }
}

/** The 低保 standard a household's award is compared with on the registry's day. */
export function standardOnAsOf(household: Household, programme: string): number {
  return minimumLivingStandard(programme === 'MINIMUM_LIVING_URBAN', Number(AS_OF.slice(0, 4)), household.place.county);
}

/**
 * An ordinary household's means: unemployment insurance as labour pays it; for a household on
 * 低保, incomes that add up to what its award records, at most one residence (none for those
 * renting through housing aid) and no commercial property, unless `ineligible` plants one of the
 * ineligible cases; for others, wages, business income and pensions at Ili's levels, a residence
 * for most, land for many rural ones, and a few with a second home, a shop or a parking space.
 */
export function householdMeans(rng: Rng, registry: Registry, household: Household, awards: readonly AwardRecord[], ineligible: IneligibleKind | null): { means: HouseholdMeans; ineligible: IneligibleCase[] } {
  const b = new MeansBuilder(rng, registry, household);
  const urban = household.hukou === 'URBAN';
  const head = household.members[0]!;
  const spouse = household.members.find((m) => m.relation === 'SPOUSE');
  const adults = household.members.filter((m) => alive(m) && age(m) >= 18);
  const renting = awards.some((a) => RENTS.has(a.programme) && isPaying(a.status));
  const centralized = awards.some((a) => a.programme === 'EXTREME_POVERTY_CENTRALIZED' && isPaying(a.status));
  const onMinimumLiving = currentMinimumLiving(awards);
  const onExtremePoverty = activeOn(awards, EXTREME_POVERTY);
  b.unemploymentInsurance(awards);

  // Residence: registered to the head, or the spouse (a living adult when the head has died); none
  // for those renting or in an institution.
  const holder = spouse && alive(spouse) && (rng.chance(0.2) || !alive(head)) ? spouse : alive(head) ? head : (adults[0] ?? head);
  const hasHome = !renting && !centralized && rng.chance(onMinimumLiving || onExtremePoverty ? 0.8 : 0.9);
  if (hasHome) b.residence(holder, urban);
  // Contracted farmland (承包地), 20 to 300 mu (1 mu = 666.7 m²).
  if (!urban && rng.chance(0.45)) b.property(holder, 'LAND', (rng.int(20, 300) * 66_670) / 100, randomDate(rng, '1998-01-01', '2020-12-31'));

  const cases: IneligibleCase[] = [];
  if (onMinimumLiving) {
    b.minimumLivingIncomes(onMinimumLiving);
    const found = overStandardByInsurance(b, household, onMinimumLiving);
    if (found) cases.push(found);
    if (ineligible) cases.push(plantIneligible(rng, b, household, onMinimumLiving, ineligible, adults));
  } else if (onExtremePoverty) {
    b.extremePovertyIncomes();
  } else {
    b.ordinaryIncomes(urban);
    if (hasHome && rng.chance(0.05)) b.residence(adults.find((m) => m !== holder) ?? holder, urban, '2005-01-01');
    if (rng.chance(urban ? 0.04 : 0.015)) b.property(adults[0] ?? head, 'COMMERCIAL', b.area(15, 180), randomDate(rng, '2003-01-01', '2025-12-31'));
    if (urban && hasHome && rng.chance(0.12)) b.property(holder, 'VEHICLE_PARKING', b.area(12, 18), randomDate(rng, '2010-01-01', '2025-12-31'));
  }
  return { means: { incomes: b.incomes, properties: b.properties }, ineligible: cases };
}

const payingOn = (day: string) => (i: IncomeRecord) => i.startDate <= day && (i.endDate == null || i.endDate >= day);

/** The household's unemployment insurance on the registry's day, when it alone lifts it to the standard (a found case). */
function overStandardByInsurance(b: MeansBuilder, household: Household, award: AwardRecord): IneligibleCase | null {
  const living = household.members.filter(alive);
  const now = b.incomes.filter(payingOn(AS_OF));
  const total = now.reduce((s, i) => s + i.monthlyFen, 0);
  if (total < standardOnAsOf(household, award.programme) * living.length) return null;
  const insurance = now.filter((i) => i.source === 'UNEMPLOYMENT_INSURANCE');
  const ends = insurance.map((i) => i.endDate ?? null);
  return {
    kind: FOUND_OVER_STANDARD,
    from: maxDate(award.startDate, insurance.map((i) => i.startDate).sort()[0]!),
    until: ends.includes(null) ? null : (ends as string[]).sort().at(-1)!,
    householdId: household.id,
    programme: award.programme,
    personIds: [...new Set(insurance.map((i) => i.personId))].sort(),
    recordIds: insurance.map((i) => i.id),
  };
}

function plantIneligible(rng: Rng, b: MeansBuilder, household: Household, award: AwardRecord, kind: IneligibleKind, adults: Member[]): IneligibleCase {
  const head = household.members.find(alive) ?? household.members[0]!;
  const owner = adults[adults.length - 1] ?? head;
  // Acquired or begun while the household was already paid: what a review should catch.
  const during = () => randomDate(rng, maxDate(award.startDate, FIRST_DAY), AS_OF);
  const records: (IncomeRecord | PropertyRecord)[] = [];
  switch (kind) {
    case 'COMMERCIAL_PROPERTY':
      records.push(b.property(owner, 'COMMERCIAL', rng.int(2_000, 9_000) / 100, during()));
      break;
    case 'TWO_RESIDENCES': {
      // A second home besides the one they live in (given one if the draw left them none).
      if (!b.properties.some((p) => p.kind === 'RESIDENTIAL' && p.disposedDate === null)) records.push(b.residence(head, household.hukou === 'URBAN'));
      records.push(b.property(owner, 'RESIDENTIAL', rng.int(4_500, 11_000) / 100, during()));
      break;
    }
    case 'INCOME_OVER_STANDARD': {
      const living = household.members.filter(alive);
      const paid = b.incomes.filter(payingOn(AS_OF)).reduce((s, i) => s + i.monthlyFen, 0);
      // Enough that the income per head reaches the standard in force now, and a little more.
      const needed = Math.max(0, standardOnAsOf(household, award.programme) * living.length - paid);
      const worker = living.find((m) => age(m) >= 18 && age(m) < 60) ?? living[0] ?? head;
      records.push(b.income(worker, 'WAGE', Math.ceil(needed / 100) * 100 + rng.step(10_000, 60_000, 100), monthStart(during()), null));
      break;
    }
  }
  // From the day the condition fails: the record's start; two residences once both are held.
  const held = kind === 'TWO_RESIDENCES' ? b.properties.filter((p) => p.kind === 'RESIDENTIAL' && p.disposedDate === null) : records;
  const from = held.map((r) => (r.type === 'income' ? r.startDate : r.acquiredDate)).sort().at(-1)!;
  return { kind, from, until: null, householdId: household.id, programme: award.programme, personIds: [...new Set(records.map((r) => r.personId))].sort(), recordIds: records.map((r) => r.id) };
}
