/**
 * Planted duplicate-aid cases: households whose awards break each rule of SPEC section 7 (and the
 * duplicate-identity rule), with the findings a correct checker must report, and near misses that
 * must not be reported. Dates vary with the seed; the shape of each case does not.
 */
import type { AwardRecord, DisabilityCertificateRecord } from '@saf/interchange';
import type { AwardStatus, Frequency } from '@saf/programmes';
import * as aid from './aid.ts';
import { awardRecord, type AwardDraft } from './awards.ts';
import { AS_OF, addDays, addMonths, dayBefore, minDate, randomDate, yearOf } from './dates.ts';
import { bornAged, makeHousehold, type Household, type Member, type Relation, type Spec } from './households.ts';
import type { Gender } from '@saf/identity';
// Only the name key, not the whole rules package: the generator's start-up stays free of zod.
import { nameKey } from '@saf/rules/nameKey';
import type { Rng } from './random.ts';
import type { Ethnicity, Place, RegionScope } from './regions.ts';
import type { Registry } from './registry.ts';
import { afterDeath, intersect, periodOf, type PlantedFinding, type RuleCode } from './rules.ts';

export const PLANTED_KINDS = [
  'SAME_PROGRAMME',
  'EXCLUSIVE_SUBSISTENCE',
  'EXCLUSIVE_RURAL',
  'EXCLUSIVE_DISABILITY_HOUSING',
  'HOUSEHOLD_HOUSING',
  'AFTER_DEATH',
  'NEAR_MISSES',
  'DUPLICATE_IDENTITY',
] as const;
export type PlantedKind = (typeof PLANTED_KINDS)[number];

/** Households a planted case occupies. */
export const householdsOf = (kind: PlantedKind): number => (kind === 'DUPLICATE_IDENTITY' ? 2 : 1);

export const NEAR_MISS_KINDS = [
  /** Same non-repeatable programme, one period ends the day before the next begins. */
  'BACK_TO_BACK',
  /** A ONCE award on the day after a same-programme period ends. */
  'ONCE_AFTER_PERIOD',
  /** Two overlapping awards of a repeatable programme. */
  'REPEATABLE_OVERLAP',
  /** A SUSPENDED, PENDING or REJECTED award overlapping an ACTIVE one of the same programme. */
  'SUSPENDED_OVERLAP',
  'PENDING_OVERLAP',
  'REJECTED_OVERLAP',
  /** A mutually exclusive pair held by two members of one household (a person-scope rule). */
  'EXCLUSIVE_ACROSS_MEMBERS',
  /** An award whose last paid day is the day of death. */
  'DEATH_ON_LAST_PAID_DAY',
] as const;
export type NearMissKind = (typeof NEAR_MISS_KINDS)[number];

export interface NearMiss {
  kind: NearMissKind;
  householdId: string;
  personIds: string[];
  awardIds: string[];
}

export interface PlantedHousehold {
  household: Household;
  certificates: DisabilityCertificateRecord[];
  awards: AwardRecord[];
}

export interface PlantResult {
  households: PlantedHousehold[];
  findings: PlantedFinding[];
  nearMisses: NearMiss[];
}

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

const MONTHLY = new Set(['MINIMUM_LIVING_URBAN', 'MINIMUM_LIVING_RURAL', 'EXTREME_POVERTY_CENTRALIZED', 'EXTREME_POVERTY_DISPERSED', 'DISABILITY_LIVING_SUBSIDY', 'SEVERE_DISABILITY_NURSING_SUBSIDY', 'RENTAL_SUBSIDY', 'LOW_RENT_HOUSING']);

/** One planted household: its awards, and the findings and near misses they are meant to make. */
class Case {
  readonly certificates: DisabilityCertificateRecord[] = [];
  readonly awards: AwardRecord[] = [];
  readonly findings: PlantedFinding[] = [];
  readonly nearMisses: NearMiss[] = [];

  constructor(private readonly rng: Rng, private readonly registry: Registry, readonly household: Household) {}

  member(relation: Relation, nth = 0): Member {
    const m = this.household.members.filter((x) => x.relation === relation)[nth];
    if (!m) throw new Error(`planted household lacks ${relation} #${nth}`);
    return m;
  }

  award(programme: string, person: Member, startDate: string, endDate: string | null, status: AwardStatus, frequency?: Frequency, details?: Record<string, unknown>): AwardRecord {
    const { amountFen, details: defaults } = this.defaults(programme, startDate, status);
    const draft: AwardDraft = {
      programme, person, amountFen, startDate, endDate, status,
      frequency: frequency ?? (MONTHLY.has(programme) ? 'MONTHLY' : 'ONCE'),
      details: details ?? defaults,
    };
    const record = awardRecord(this.registry, this.household, draft);
    this.awards.push(record);
    return record;
  }

  certificate(person: Member, issuedBefore: string): string {
    const id = `DPF-${this.registry.tag}${this.registry.next('certificate')}`;
    const { category, grade } = aid.disability(this.rng);
    const issuedDate = randomDate(this.rng, '2012-01-01', dayBefore(issuedBefore));
    this.certificates.push({ type: 'disabilityCertificate', id, personId: person.id, category, grade, issuedDate, validUntil: null });
    return id;
  }

  /** Two paying awards that overlap: one finding of `rule` over the overlapping days. */
  pair(rule: RuleCode, a: AwardRecord, b: AwardRecord): void {
    const overlap = intersect(periodOf(a), periodOf(b));
    if (!overlap) throw new Error(`planted ${rule}: ${a.id} and ${b.id} do not overlap`);
    this.findings.push({ rule, personIds: sorted([a.personId, b.personId]), awardIds: sorted([a.id, b.id]), householdId: this.household.id, overlapStart: overlap.start, overlapEnd: overlap.end });
  }

  paidAfterDeath(a: AwardRecord, deathDate: string): void {
    const days = afterDeath(periodOf(a), deathDate);
    if (!days) throw new Error(`planted AWARD_AFTER_DEATH: ${a.id} stops in time`);
    this.findings.push({ rule: 'AWARD_AFTER_DEATH', personIds: [a.personId], awardIds: [a.id], householdId: this.household.id, overlapStart: days.start, overlapEnd: days.end });
  }

  near(kind: NearMissKind, ...awards: AwardRecord[]): void {
    this.nearMisses.push({ kind, householdId: this.household.id, personIds: sorted(awards.map((a) => a.personId)), awardIds: sorted(awards.map((a) => a.id)) });
  }

  private defaults(programme: string, startDate: string, status: AwardStatus): { amountFen: number; details: Record<string, unknown> } {
    const { rng } = this;
    const place = this.household.place;
    const size = this.household.members.length;
    switch (programme) {
      case 'MINIMUM_LIVING_URBAN':
      case 'MINIMUM_LIVING_RURAL':
        return aid.minimumLiving(rng, programme === 'MINIMUM_LIVING_URBAN', startDate, place, size);
      case 'EXTREME_POVERTY_CENTRALIZED':
      case 'EXTREME_POVERTY_DISPERSED':
        return aid.extremePoverty(rng, programme === 'EXTREME_POVERTY_CENTRALIZED', startDate, place);
      case 'INSURANCE_PREMIUM_SUBSIDY':
        return aid.premiumSubsidy(yearOf(startDate), false);
      case 'MEDICAL_ASSISTANCE_INPATIENT':
      case 'MEDICAL_ASSISTANCE_OUTPATIENT':
        return aid.medicalAssistance(rng, programme === 'MEDICAL_ASSISTANCE_INPATIENT', place, false);
      case 'RENTAL_SUBSIDY':
        return aid.rentalSubsidy(rng, size);
      case 'LOW_RENT_HOUSING':
        return aid.lowRentHousing(rng, place);
      case 'TEMPORARY_ASSISTANCE':
        return aid.temporaryAssistance(rng);
      case 'TRAINING_SUBSIDY':
        return aid.training(rng, place);
      case 'JOB_PLACEMENT_SUBSIDY':
        return aid.jobPlacement(rng, place);
      case 'REHABILITATION_AID':
        return aid.rehabilitation(rng, place, 'PHYSICAL', false);
      case 'LEGAL_AID': {
        const la = aid.legalAid(rng, place);
        return { amountFen: la.amountFen, details: { caseType: la.caseType, stage: status === 'ENDED' ? 'CLOSED' : 'IN_PROGRESS', lawFirm: la.lawFirm } };
      }
      default:
        return { amountFen: rng.step(10_000, 20_000, 500), details: {} };
    }
  }
}

interface MemberPlan {
  relation: Relation;
  gender: Gender;
  age: [number, number];
}

function householdFor(rng: Rng, registry: Registry, scope: RegionScope, urban: boolean, plans: MemberPlan[], ethnicity?: Ethnicity): Household {
  const place: Place = { ...scope.place(rng), urban };
  const specs: Spec[] = plans.map((p) => ({ relation: p.relation, gender: p.gender, birthDate: bornAged(rng, rng.int(p.age[0], p.age[1])) }));
  return makeHousehold(rng, registry, { type: 'THREE_GENERATIONS', place, deaths: false, specs, ...(ethnicity ? { ethnicity } : {}) });
}

const HEAD_M = (min: number, max: number): MemberPlan => ({ relation: 'HEAD', gender: 'MALE', age: [min, max] });
const SPOUSE_F = (min: number, max: number): MemberPlan => ({ relation: 'SPOUSE', gender: 'FEMALE', age: [min, max] });

export function plant(kind: PlantedKind, rng: Rng, registry: Registry, scope: RegionScope): PlantResult {
  if (kind === 'DUPLICATE_IDENTITY') return duplicateIdentity(rng, registry, scope);
  const build = PLANTERS[kind];
  const c = build(rng, registry, scope);
  return {
    households: [{ household: c.household, certificates: c.certificates, awards: c.awards }],
    findings: c.findings,
    nearMisses: c.nearMisses,
  };
}

const ended = (end: string): AwardStatus => (end < AS_OF ? 'ENDED' : 'ACTIVE');

const PLANTERS: Record<Exclude<PlantedKind, 'DUPLICATE_IDENTITY'>, (rng: Rng, registry: Registry, scope: RegionScope) => Case> = {
  /** 低保 entered twice; a yearly premium and a one-off premium in the same year; three overlapping 低保 awards. */
  SAME_PROGRAMME(rng, registry, scope) {
    const urban = rng.chance(0.5);
    const hh = householdFor(rng, registry, scope, urban, [HEAD_M(40, 55), SPOUSE_F(38, 52), { relation: 'PARENT', gender: 'FEMALE', age: [72, 86] }]);
    const c = new Case(rng, registry, hh);
    const min = urban ? 'MINIMUM_LIVING_URBAN' : 'MINIMUM_LIVING_RURAL';
    const y = rng.int(2020, 2024);
    const head = c.member('HEAD');
    c.pair('SAME_PROGRAMME_OVERLAP', c.award(min, head, `${y}-01-01`, null, 'ACTIVE'), c.award(min, head, `${y}-07-01`, `${y + 1}-06-30`, ended(`${y + 1}-06-30`)));
    const spouse = c.member('SPOUSE');
    const yearly = c.award('INSURANCE_PREMIUM_SUBSIDY', spouse, `${y}-01-01`, `${y}-12-31`, 'ENDED', 'YEARLY');
    const once = c.award('INSURANCE_PREMIUM_SUBSIDY', spouse, randomDate(rng, `${y}-02-01`, `${y}-11-30`), null, 'ENDED', 'ONCE');
    c.pair('SAME_PROGRAMME_OVERLAP', yearly, once);
    const parent = c.member('PARENT');
    const b1 = c.award(min, parent, `${y - 1}-01-01`, null, 'ACTIVE');
    const b2 = c.award(min, parent, `${y}-01-01`, `${y}-12-31`, 'ENDED');
    const b3 = c.award(min, parent, `${y}-06-01`, `${y + 1}-05-31`, ended(`${y + 1}-05-31`));
    c.pair('SAME_PROGRAMME_OVERLAP', b1, b2);
    c.pair('SAME_PROGRAMME_OVERLAP', b1, b3);
    c.pair('SAME_PROGRAMME_OVERLAP', b2, b3);
    return c;
  },

  /** Urban × rural 低保; urban 低保 × centralized 特困; urban 低保 × dispersed 特困 (open-ended overlap). */
  EXCLUSIVE_SUBSISTENCE(rng, registry, scope) {
    const hh = householdFor(rng, registry, scope, true, [HEAD_M(45, 60), SPOUSE_F(43, 58), { relation: 'PARENT', gender: 'MALE', age: [75, 88] }]);
    const c = new Case(rng, registry, hh);
    const y = rng.int(2020, 2023);
    const head = c.member('HEAD');
    c.pair('EXCLUSIVE_PROGRAMMES', c.award('MINIMUM_LIVING_URBAN', head, `${y}-04-01`, null, 'ACTIVE'), c.award('MINIMUM_LIVING_RURAL', head, `${y - 1}-01-01`, `${y}-06-30`, 'ENDED'));
    const spouse = c.member('SPOUSE');
    c.pair('EXCLUSIVE_PROGRAMMES', c.award('MINIMUM_LIVING_URBAN', spouse, `${y}-01-01`, `${y}-09-30`, 'ENDED'), c.award('EXTREME_POVERTY_CENTRALIZED', spouse, `${y}-07-01`, null, 'ACTIVE'));
    const parent = c.member('PARENT');
    c.pair('EXCLUSIVE_PROGRAMMES', c.award('MINIMUM_LIVING_URBAN', parent, `${y - 1}-03-01`, null, 'ACTIVE'), c.award('EXTREME_POVERTY_DISPERSED', parent, `${y}-10-01`, null, 'ACTIVE'));
    return c;
  },

  /** Rural 低保 × each 特困, and centralized × dispersed 特困. */
  EXCLUSIVE_RURAL(rng, registry, scope) {
    const hh = householdFor(rng, registry, scope, false, [HEAD_M(55, 68), SPOUSE_F(53, 66), { relation: 'SIBLING', gender: 'MALE', age: [50, 70] }]);
    const c = new Case(rng, registry, hh);
    const y = rng.int(2020, 2024);
    const head = c.member('HEAD');
    c.pair('EXCLUSIVE_PROGRAMMES', c.award('MINIMUM_LIVING_RURAL', head, `${y}-01-01`, null, 'ACTIVE'), c.award('EXTREME_POVERTY_CENTRALIZED', head, `${y}-05-01`, `${y}-11-30`, 'ENDED'));
    const spouse = c.member('SPOUSE');
    c.pair('EXCLUSIVE_PROGRAMMES', c.award('MINIMUM_LIVING_RURAL', spouse, `${y - 1}-01-01`, `${y}-12-31`, 'ENDED'), c.award('EXTREME_POVERTY_DISPERSED', spouse, `${y}-12-01`, null, 'ACTIVE'));
    const sibling = c.member('SIBLING');
    c.pair('EXCLUSIVE_PROGRAMMES', c.award('EXTREME_POVERTY_CENTRALIZED', sibling, `${y}-03-01`, null, 'ACTIVE'), c.award('EXTREME_POVERTY_DISPERSED', sibling, `${y - 1}-06-01`, `${y}-03-31`, 'ENDED'));
    return c;
  },

  /** Each 特困 × 困难残疾人生活补贴, and centralized 特困 × rental subsidy or 廉租房 (years apart, so no household pair). */
  EXCLUSIVE_DISABILITY_HOUSING(rng, registry, scope) {
    const hh = householdFor(rng, registry, scope, true, [HEAD_M(60, 70), SPOUSE_F(58, 68), { relation: 'SIBLING', gender: 'FEMALE', age: [55, 72] }, { relation: 'PARENT', gender: 'MALE', age: [86, 92] }]);
    const c = new Case(rng, registry, hh);
    const y = rng.int(2020, 2024);
    const head = c.member('HEAD');
    const headCert = c.certificate(head, `${y - 1}-07-01`);
    c.pair('EXCLUSIVE_PROGRAMMES', c.award('EXTREME_POVERTY_CENTRALIZED', head, `${y}-02-01`, null, 'ACTIVE'), c.award('DISABILITY_LIVING_SUBSIDY', head, `${y - 1}-07-01`, null, 'ACTIVE', 'MONTHLY', { certificateId: headCert }));
    const spouse = c.member('SPOUSE');
    const spouseCert = c.certificate(spouse, `${y}-03-01`);
    c.pair('EXCLUSIVE_PROGRAMMES', c.award('EXTREME_POVERTY_DISPERSED', spouse, `${y}-01-01`, null, 'ACTIVE'), c.award('DISABILITY_LIVING_SUBSIDY', spouse, `${y}-03-01`, `${y}-08-31`, 'ENDED', 'MONTHLY', { certificateId: spouseCert }));
    const sibling = c.member('SIBLING');
    c.pair('EXCLUSIVE_PROGRAMMES', c.award('EXTREME_POVERTY_CENTRALIZED', sibling, '2019-01-01', '2020-12-31', 'ENDED'), c.award('RENTAL_SUBSIDY', sibling, '2019-03-01', '2020-02-29', 'ENDED'));
    const parent = c.member('PARENT');
    const y4 = rng.int(2023, 2025);
    c.pair('EXCLUSIVE_PROGRAMMES', c.award('EXTREME_POVERTY_CENTRALIZED', parent, `${y4}-07-01`, null, 'ACTIVE'), c.award('LOW_RENT_HOUSING', parent, `${y4}-01-01`, null, 'ACTIVE'));
    return c;
  },

  /** 廉租房 × 廉租房, rental × rental, 廉租房 × rental on two members (open-ended), and 廉租房 × rental on one member. */
  HOUSEHOLD_HOUSING(rng, registry, scope) {
    const hh = householdFor(rng, registry, scope, true, [HEAD_M(50, 58), SPOUSE_F(48, 56), { relation: 'CHILD', gender: 'MALE', age: [24, 28] }, { relation: 'PARENT', gender: 'FEMALE', age: [76, 88] }]);
    const c = new Case(rng, registry, hh);
    const [m1, m2, m3, m4] = [c.member('HEAD'), c.member('SPOUSE'), c.member('CHILD'), c.member('PARENT')];
    c.pair('HOUSEHOLD_EXCLUSIVE_PROGRAMMES', c.award('LOW_RENT_HOUSING', m4, '2019-01-01', '2019-12-31', 'ENDED'), c.award('RENTAL_SUBSIDY', m4, '2019-07-01', '2019-09-30', 'ENDED'));
    c.pair('HOUSEHOLD_EXCLUSIVE_PROGRAMMES', c.award('LOW_RENT_HOUSING', m1, '2020-01-01', '2020-12-31', 'ENDED'), c.award('LOW_RENT_HOUSING', m2, '2020-07-01', '2021-03-31', 'ENDED'));
    c.pair('HOUSEHOLD_EXCLUSIVE_PROGRAMMES', c.award('RENTAL_SUBSIDY', m3, '2022-01-01', '2022-12-31', 'ENDED'), c.award('RENTAL_SUBSIDY', m1, '2022-06-01', '2023-05-31', 'ENDED'));
    const from = `${rng.int(2024, 2025)}-0${rng.int(1, 4)}-01`;
    c.pair('HOUSEHOLD_EXCLUSIVE_PROGRAMMES', c.award('LOW_RENT_HOUSING', m2, '2024-01-01', null, 'ACTIVE'), c.award('RENTAL_SUBSIDY', m3, from, null, 'ACTIVE'));
    return c;
  },

  /** Paid after death: open-ended, ended too late, started after the death; and a spouse whose aid stopped on the day. */
  AFTER_DEATH(rng, registry, scope) {
    const urban = rng.chance(0.5);
    const hh = householdFor(rng, registry, scope, urban, [HEAD_M(76, 88), SPOUSE_F(72, 85), { relation: 'CHILD', gender: 'MALE', age: [40, 50] }]);
    const c = new Case(rng, registry, hh);
    const min = urban ? 'MINIMUM_LIVING_URBAN' : 'MINIMUM_LIVING_RURAL';
    const y = rng.int(2021, 2024);
    const head = c.member('HEAD');
    head.deathDate = randomDate(rng, `${y}-02-01`, `${y}-11-20`);
    c.paidAfterDeath(c.award(min, head, `${y - 2}-01-01`, null, 'ACTIVE'), head.deathDate);
    c.paidAfterDeath(c.award('INSURANCE_PREMIUM_SUBSIDY', head, `${y}-01-01`, `${y}-12-31`, 'ENDED', 'YEARLY'), head.deathDate);
    c.paidAfterDeath(c.award('INSURANCE_PREMIUM_SUBSIDY', head, `${y + 1}-01-01`, `${y + 1}-12-31`, 'ENDED', 'YEARLY'), head.deathDate);
    const spouse = c.member('SPOUSE');
    const y2 = rng.int(2022, 2025);
    spouse.deathDate = randomDate(rng, `${y2}-01-10`, `${y2}-12-20`);
    c.near('DEATH_ON_LAST_PAID_DAY', c.award(min, spouse, `${y2 - 2}-01-01`, spouse.deathDate, 'ENDED'));
    c.near('DEATH_ON_LAST_PAID_DAY', c.award('MEDICAL_ASSISTANCE_OUTPATIENT', spouse, spouse.deathDate, null, 'ENDED'));
    c.award(min, c.member('CHILD'), `${y - 2}-01-01`, null, 'ACTIVE');
    return c;
  },

  /** What a checker must not report. */
  NEAR_MISSES(rng, registry, scope) {
    const hh = householdFor(rng, registry, scope, true, [HEAD_M(42, 55), SPOUSE_F(40, 52), { relation: 'CHILD', gender: 'FEMALE', age: [20, 22] }, { relation: 'PARENT', gender: 'FEMALE', age: [74, 86] }]);
    const c = new Case(rng, registry, hh);
    const [head, spouse, child, parent] = [c.member('HEAD'), c.member('SPOUSE'), c.member('CHILD'), c.member('PARENT')];
    // 低保 renewed without a gap, plus applications that never paid.
    const boundary = `${rng.int(2021, 2025)}-${String(rng.int(1, 12)).padStart(2, '0')}-01`;
    const current = c.award('MINIMUM_LIVING_URBAN', head, boundary, null, 'ACTIVE');
    c.near('BACK_TO_BACK', c.award('MINIMUM_LIVING_URBAN', head, addMonths(boundary, -12), dayBefore(boundary), 'ENDED'), current);
    c.near('SUSPENDED_OVERLAP', current, c.award('MINIMUM_LIVING_URBAN', head, addMonths(boundary, 2), null, 'SUSPENDED'));
    c.near('PENDING_OVERLAP', current, c.award('MINIMUM_LIVING_URBAN', head, '2026-06-01', null, 'PENDING'));
    c.near('REJECTED_OVERLAP', current, c.award('MINIMUM_LIVING_URBAN', head, addMonths(boundary, 1), dayBefore(addMonths(boundary, 6)), 'REJECTED'));
    // Repeatable programmes may overlap.
    const d = randomDate(rng, '2021-03-01', '2025-09-30');
    c.near('REPEATABLE_OVERLAP', c.award('TEMPORARY_ASSISTANCE', spouse, d, addDays(d, 30), 'ENDED'), c.award('TEMPORARY_ASSISTANCE', spouse, addDays(d, 10), null, 'ENDED'));
    c.near('REPEATABLE_OVERLAP', c.award('MEDICAL_ASSISTANCE_INPATIENT', spouse, addDays(d, 40), addDays(d, 52), 'ENDED'), c.award('MEDICAL_ASSISTANCE_INPATIENT', spouse, addDays(d, 45), addDays(d, 60), 'ENDED'));
    c.near('REPEATABLE_OVERLAP', c.award('TRAINING_SUBSIDY', spouse, addDays(d, 70), addDays(d, 90), 'ENDED'), c.award('TRAINING_SUBSIDY', spouse, addDays(d, 77), addDays(d, 100), 'ENDED'));
    c.near('REPEATABLE_OVERLAP', c.award('LEGAL_AID', spouse, addDays(d, 20), addDays(d, 110), 'ENDED'), c.award('LEGAL_AID', spouse, addDays(d, 50), null, 'ACTIVE'));
    c.near('REPEATABLE_OVERLAP', c.award('JOB_PLACEMENT_SUBSIDY', spouse, addDays(d, 95), null, 'ENDED'), c.award('JOB_PLACEMENT_SUBSIDY', spouse, addDays(d, 95), null, 'ENDED'));
    const quake = aid.disasterRelief(rng, hh.place.county, addDays(d, 120));
    const relief = { ...quake.details, disasterType: '地震' };
    c.near('REPEATABLE_OVERLAP', c.award('DISASTER_RELIEF', spouse, quake.startDate, null, 'ENDED', 'ONCE', relief), c.award('DISASTER_RELIEF', spouse, quake.startDate, null, 'ENDED', 'ONCE', relief));
    // A one-off premium on the day after the yearly one ends.
    const yp = rng.int(2020, 2024);
    c.near('ONCE_AFTER_PERIOD', c.award('INSURANCE_PREMIUM_SUBSIDY', spouse, `${yp}-01-01`, `${yp}-12-31`, 'ENDED', 'YEARLY'), c.award('INSURANCE_PREMIUM_SUBSIDY', spouse, `${yp + 1}-01-01`, null, 'ENDED', 'ONCE'));
    // Exclusive programmes, but held by two different members.
    const certificateId = c.certificate(child, '2022-03-01');
    const childMin = c.award('MINIMUM_LIVING_URBAN', child, '2022-01-01', null, 'ACTIVE');
    const childDisability = c.award('DISABILITY_LIVING_SUBSIDY', child, '2022-03-01', null, 'ACTIVE', 'MONTHLY', { certificateId });
    const parentExtreme = c.award('EXTREME_POVERTY_DISPERSED', parent, '2021-06-01', null, 'ACTIVE');
    c.near('EXCLUSIVE_ACROSS_MEMBERS', childMin, parentExtreme);
    c.near('EXCLUSIVE_ACROSS_MEMBERS', childDisability, parentExtreme);
    return c;
  },
};

/**
 * Canonical spelling, and the same name as another office wrote it: another separator or variant
 * character, or another script (Uyghur Latin ULY, Uyghur Arabic, Kazakh Cyrillic or Arabic,
 * Russian-style Latin, the Pinyin of the Chinese), as a department that keeps its own records does.
 */
export const IDENTITY_NAMES: Record<'UYGHUR' | 'KAZAKH', Record<Gender, readonly (readonly [string, string])[]>> = {
  UYGHUR: {
    MALE: [
      ['艾力·玉素甫', '艾力·玉素普'], ['买买提·吐尔逊', '麦麦提.吐尔逊'], ['艾买提·库尔班', '艾麦提·库尔班'], ['阿不都热合曼·依明', '阿布都热合满·依明'], ['吐尔洪·艾则孜', '图尔洪 艾则孜'], ['艾力·吐尔逊', '艾力.吐尔逊'],
      ['买买提·艾力', 'Memet Eli'], ['艾力·吐尔逊', 'ئەلى تۇرسۇن'], ['伊力哈木·库尔班', 'Ilham Kurban'], ['吾买尔·买合木提', 'Omar Mahmut'], ['艾合买提·玉素甫', 'Aihemaiti Yusufu'], ['阿迪力·吐尔洪', 'ئادىل تۇرغۇن'],
    ],
    FEMALE: [
      ['阿依古丽·买买提', '阿依古丽.麦麦提'], ['热依汗·吐尔洪', '热依罕·图尔洪'], ['古丽娜尔·阿不都热合曼', '古力娜尔·阿布都热合满'], ['帕提古丽·艾买提', '帕提古丽•艾麦提'], ['米热古丽·艾力', '米热古丽 艾力'],
      ['阿依古丽·买买提', 'Aygül Memet'], ['努尔古丽·吐尔逊', 'نۇرگۈل تۇرسۇن'], ['迪丽努尔·艾力', 'Dilnur Ali'], ['阿米娜·库尔班', 'Amina Kurban'], ['古丽米热·伊力哈木', 'Gulimire Yilihamu'],
    ],
  },
  KAZAKH: {
    MALE: [
      ['努尔兰·别克', '努尔兰.别克'], ['叶尔兰·吾斯曼', '叶尔兰·乌斯曼'], ['努尔江·哈那提', '奴尔江·哈那提'],
      ['努尔兰·赛力克', 'Нұрлан Серікұлы'], ['叶尔兰·波拉提', 'Yerlan Bolat'], ['哈那提·别克', 'قانات بەك'], ['达吾列提·阿曼', 'Daulet Aman'],
    ],
    FEMALE: [
      ['阿依达娜·努尔江', '阿依达娜 努尔江'], ['古丽米拉·别克', '古力米拉.别克'], ['努尔古丽·叶尔兰', '奴尔古丽·叶尔兰'],
      ['阿依达娜·努尔兰', 'Айдана Нұрланқызы'], ['古丽米拉·波拉提', 'Gulmira Bolat'], ['阿娜尔·赛力克', 'انار سەرىك'], ['加娜尔·叶尔兰', 'Zhanar Yerlan'],
    ],
  },
};

/**
 * A couple registered twice: in household A under the canonical spelling, in household B (same
 * prefecture) under another spelling, with other ID numbers (same region, birth date and gender,
 * another sequence). Both registrations draw aid.
 */
function duplicateIdentity(rng: Rng, registry: Registry, scope: RegionScope): PlantResult {
  const ethnicity = rng.chance(0.6) ? 'UYGHUR' : 'KAZAKH';
  const [husband, husbandAlt] = rng.pick(IDENTITY_NAMES[ethnicity].MALE);
  const [wife, wifeAlt] = rng.pick(IDENTITY_NAMES[ethnicity].FEMALE);
  for (const [a, b] of [[husband, husbandAlt], [wife, wifeAlt]] as const) {
    if (nameKey(a) !== nameKey(b)) throw new Error(`planted names ${a} and ${b} do not have one name key`);
  }
  const headAge = rng.int(35, 60);
  const specsA: Spec[] = [
    { relation: 'HEAD', gender: 'MALE', birthDate: bornAged(rng, headAge), name: husband },
    { relation: 'SPOUSE', gender: 'FEMALE', birthDate: bornAged(rng, headAge - rng.int(0, 6)), name: wife },
  ];
  const a = makeHousehold(rng, registry, { type: 'ELDERLY_COUPLE', place: { ...scope.place(rng), urban: true }, deaths: false, ethnicity, specs: specsA });
  const specsB: Spec[] = a.members.map((m, i) => ({
    relation: m.relation, gender: m.gender, birthDate: m.birthDate, name: i === 0 ? husbandAlt : wifeAlt, sharesIdentity: true, idRegion: m.id.slice(0, 6),
  }));
  const b = makeHousehold(rng, registry, { type: 'ELDERLY_COUPLE', place: { ...scope.place(rng), urban: false }, deaths: false, ethnicity, specs: specsB });

  const ca = new Case(rng, registry, a);
  const start = `${rng.int(2020, 2025)}-${String(rng.int(1, 12)).padStart(2, '0')}-01`;
  ca.award('MINIMUM_LIVING_URBAN', a.members[0]!, start, null, 'ACTIVE');
  ca.award('MINIMUM_LIVING_URBAN', a.members[1]!, start, null, 'ACTIVE');
  const cb = new Case(rng, registry, b);
  cb.award('MINIMUM_LIVING_RURAL', b.members[0]!, minDate(addMonths(start, rng.int(-12, 12)), '2026-05-01'), null, 'ACTIVE');
  cb.award('MEDICAL_ASSISTANCE_OUTPATIENT', b.members[1]!, randomDate(rng, '2021-01-01', '2026-05-31'), null, 'ENDED');
  const findings: PlantedFinding[] = a.members.map((m, i) => ({
    rule: 'POSSIBLE_DUPLICATE_IDENTITY',
    personIds: sorted([m.id, b.members[i]!.id]),
    awardIds: [],
    householdId: null,
    overlapStart: null,
    overlapEnd: null,
  }));
  return {
    households: [
      { household: a, certificates: ca.certificates, awards: ca.awards },
      { household: b, certificates: cb.certificates, awards: cb.awards },
    ],
    findings,
    nearMisses: [],
  };
}
