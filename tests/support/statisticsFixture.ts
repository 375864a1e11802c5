import { makeResidentId } from '@saf/identity';
import { programmes } from '@saf/programmes';

/**
 * A deterministic data set for the statistics tests: a random part (households of several
 * counties with a realistic mix of awards, statuses, periods and certificates) and crafted
 * cases in counties of their own (a date boundary, 49% and 51% centralized support, relief in 23
 * and 25 hours, a small overlap, an overlap split across two counties, coverage gaps). The tests compute the true figures from these records
 * themselves, independently of the code under test.
 */
export const DATE = '2024-06-30';

export interface Household { type: 'household'; id: string; regionCode: string; hukou: 'URBAN' | 'RURAL' }
export interface Person { type: 'person'; id: string; name: string; gender: 'MALE' | 'FEMALE'; birthDate: string; householdId: string; relation: string; deathDate: string | null }
export interface Award {
  type: 'award'; id: string; department: string; programme: string; personId: string; householdId: string | null; regionCode: string;
  amountFen: number; frequency: 'MONTHLY' | 'QUARTERLY' | 'YEARLY' | 'ONCE'; startDate: string; endDate: string | null; status: string; details: Record<string, unknown>;
}
export interface Certificate { type: 'disabilityCertificate'; id: string; personId: string; category: string; grade: number; issuedDate: string; validUntil: string | null }
export type StatisticsRecord = Household | Person | Award | Certificate;

/** mulberry32: small, seedable, good enough for test data. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const DEPARTMENT = new Map(programmes.map((p) => [p.code, p.department]));
const REPEATABLE = new Set(programmes.filter((p) => p.repeatable).map((p) => p.code));

/** Programmes of the random part, weighted towards the common ones. */
const MIX = [
  ...Array(6).fill('MINIMUM_LIVING_URBAN'), ...Array(5).fill('MINIMUM_LIVING_RURAL'), ...Array(4).fill('MEDICAL_ASSISTANCE_INPATIENT'),
  ...Array(4).fill('INSURANCE_PREMIUM_SUBSIDY'), ...Array(3).fill('PUBLIC_WELFARE_JOB'), ...Array(3).fill('RENTAL_SUBSIDY'),
  ...Array(2).fill('TEMPORARY_ASSISTANCE'), ...Array(2).fill('LEGAL_AID'), ...Array(2).fill('UNEMPLOYMENT_INSURANCE'),
  'EXTREME_POVERTY_DISPERSED', 'LOW_RENT_HOUSING', 'STUDENT_GRANT', 'TRAINING_SUBSIDY', 'REHABILITATION_AID', 'DISABILITY_LIVING_SUBSIDY', 'ENTITLED_GROUPS_CARE',
] as string[];
const STATUSES = [...Array(14).fill('ACTIVE'), 'ENDED', 'ENDED', 'SUSPENDED', 'PENDING', 'REJECTED'] as string[];
const RANDOM_COUNTIES = ['654002', '654003', '654021', '654022'];

export function statisticsFixture(seed = 20240630, householdCount = 160): StatisticsRecord[] {
  const rnd = random(seed);
  const records: StatisticsRecord[] = [];
  const used = new Set<string>();
  let seq = 0;
  let awardNo = 0;
  let certNo = 0;
  let householdNo = 0;

  const household = (regionCode: string): Household => {
    householdNo += 1;
    const h: Household = { type: 'household', id: `HS${String(householdNo).padStart(5, '0')}`, regionCode, hukou: rnd.chance(0.5) ? 'URBAN' : 'RURAL' };
    records.push(h);
    return h;
  };
  const person = (h: Household, birthDate: string, relation: string): Person => {
    let id: string;
    do {
      seq = (seq % 998) + 1;
      id = makeResidentId(h.regionCode.slice(0, 6), birthDate, seq);
    } while (used.has(id));
    used.add(id);
    const p: Person = { type: 'person', id, name: `测试${used.size}`, gender: seq % 2 ? 'MALE' : 'FEMALE', birthDate, householdId: h.id, relation, deathDate: null };
    records.push(p);
    return p;
  };
  const award = (p: Person, programme: string, extra: Partial<Award> = {}): Award => {
    awardNo += 1;
    const h = records.find((r): r is Household => r.type === 'household' && r.id === p.householdId)!;
    const a: Award = {
      type: 'award',
      id: `ST-${awardNo}`,
      department: DEPARTMENT.get(programme)!,
      programme,
      personId: p.id,
      householdId: h.id,
      regionCode: h.regionCode,
      amountFen: 50_000,
      frequency: REPEATABLE.has(programme) ? 'ONCE' : 'MONTHLY',
      startDate: '2024-01-01',
      endDate: null,
      status: 'ACTIVE',
      details: {},
      ...extra,
    };
    records.push(a);
    return a;
  };
  const certificate = (p: Person, grade: number, extra: Partial<Certificate> = {}) => {
    certNo += 1;
    records.push({ type: 'disabilityCertificate', id: `DPF-ST-${certNo}`, personId: p.id, category: 'PHYSICAL', grade, issuedDate: '2020-01-01', validUntil: null, ...extra });
  };
  const birth = (minAge: number, maxAge: number) => addDays(DATE, -rnd.int(minAge * 365 + 1, maxAge * 365 + 300));

  // The random part.
  for (let i = 0; i < householdCount; i++) {
    const county = rnd.pick(RANDOM_COUNTIES);
    const h = household(rnd.chance(0.5) ? county : `${county}${String(rnd.int(1, 3)).padStart(3, '0')}`);
    const members = [person(h, birth(25, 70), 'HEAD')];
    for (let m = rnd.int(0, 4); m > 0; m--) members.push(person(h, rnd.chance(0.5) ? birth(1, 17) : birth(18, 80), rnd.pick(['SPOUSE', 'CHILD', 'PARENT', 'GRANDCHILD'])));
    for (const p of members) {
      if (rnd.chance(0.1)) certificate(p, rnd.int(1, 4), rnd.chance(0.2) ? { validUntil: addDays(DATE, -rnd.int(1, 400)) } : {});
      for (let k = rnd.int(0, 2); k > 0; k--) {
        const programme = rnd.pick(MIX);
        const start = addDays(DATE, -rnd.int(0, 700));
        const once = REPEATABLE.has(programme) && rnd.chance(0.7);
        const end = once ? (rnd.chance(0.5) ? null : addDays(start, rnd.int(0, 30))) : rnd.chance(0.5) ? null : addDays(start, rnd.int(0, 800));
        award(p, programme, {
          frequency: once ? 'ONCE' : rnd.pick(['MONTHLY', 'QUARTERLY', 'YEARLY']),
          startDate: start,
          endDate: end,
          status: rnd.pick(STATUSES),
          amountFen: rnd.int(0, 2_000_000),
          householdId: rnd.chance(0.05) ? null : h.id,
        });
      }
      if (p.relation === 'CHILD' && rnd.chance(0.5)) award(p, 'TWO_EXEMPTIONS_ONE_SUBSIDY', { frequency: 'YEARLY', startDate: '2023-09-01', endDate: rnd.chance(0.3) ? '2024-06-30' : null });
    }
  }

  // A date boundary in 654024: five awards end on the date and count; one ended the day before, one starts the day after.
  for (let i = 0; i < 7; i++) {
    const h = household('654024');
    const p = person(h, birth(30, 60), 'HEAD');
    award(p, 'RURAL_HOUSING_RENOVATION', { endDate: i < 5 ? DATE : i === 5 ? addDays(DATE, -1) : null, startDate: i === 6 ? addDays(DATE, 1) : '2024-01-01' });
  }

  // Centralized support: 49% in 654025, 51% in 654026.
  for (const [county, centralized] of [['654025', 49], ['654026', 51]] as const) {
    for (let i = 0; i < 100; i++) {
      const h = household(county);
      award(person(h, birth(60, 90), 'HEAD'), i < centralized ? 'EXTREME_POVERTY_CENTRALIZED' : 'EXTREME_POVERTY_DISPERSED');
    }
  }

  // Disaster relief in 23 hours in 654027, in 25 hours in 654028, and five of each plus five unrecorded in 654029.
  const relief = (county: string, hours: number | null) => {
    const h = household(county);
    const occurredAt = '2024-04-10T06:00:00+08:00';
    const reliefAt = hours === null ? undefined : new Date(Date.parse(occurredAt) + hours * 3_600_000).toISOString();
    award(person(h, birth(20, 70), 'HEAD'), 'DISASTER_RELIEF', { frequency: 'ONCE', startDate: '2024-04-11', details: { disasterType: 'FLOOD', occurredAt, ...(reliefAt ? { reliefAt } : {}) } });
  };
  for (let i = 0; i < 6; i++) relief('654027', 23);
  for (let i = 0; i < 6; i++) relief('654028', 25);
  for (const hours of [...Array(5).fill(20), ...Array(5).fill(30), ...Array(5).fill(null)] as (number | null)[]) relief('654029', hours);

  // Overlap in 654030: 低保 (A), rental subsidy (B), outpatient medical assistance (C). A∩C has 3
  // households, so A∩B (8) and B∩C (7) are withheld with it although not small.
  const overlapCase = (programmes: string[]) => {
    const p = person(household('654030'), birth(30, 60), 'HEAD');
    for (const programme of programmes) award(p, programme, programme === 'MEDICAL_ASSISTANCE_OUTPATIENT' ? { frequency: 'MONTHLY' } : {});
  };
  for (let i = 0; i < 20; i++) overlapCase(['MINIMUM_LIVING_URBAN']);
  for (let i = 0; i < 8; i++) overlapCase(['MINIMUM_LIVING_URBAN', 'RENTAL_SUBSIDY']);
  for (let i = 0; i < 3; i++) overlapCase(['MINIMUM_LIVING_URBAN', 'MEDICAL_ASSISTANCE_OUTPATIENT']);
  for (let i = 0; i < 7; i++) overlapCase(['RENTAL_SUBSIDY', 'MEDICAL_ASSISTANCE_OUTPATIENT']);

  // Across levels: scholarship with tuition waiver in 3 households of 654031 and 6 of 654032. The
  // prefecture's 9 minus 654032's 6 would give 654031's 3 away.
  for (const [county, n] of [['654031', 3], ['654032', 6]] as const) {
    for (let i = 0; i < n; i++) {
      const p = person(household(county), birth(18, 22), 'HEAD');
      award(p, 'SCHOLARSHIP', { frequency: 'YEARLY', startDate: '2023-09-01' });
      award(p, 'TUITION_WAIVER', { frequency: 'YEARLY', startDate: '2023-09-01' });
    }
  }

  // Coverage gaps in 654023.
  for (let i = 0; i < 9; i++) {
    const p = person(household('654023'), birth(30, 60), 'HEAD');
    // Six grade 1-2 holders without the nursing subsidy; one with it; a grade 3; an expired grade 1.
    if (i < 6) certificate(p, (i % 2) + 1);
    else if (i === 6) {
      certificate(p, 1);
      award(p, 'SEVERE_DISABILITY_NURSING_SUBSIDY');
    } else if (i === 7) certificate(p, 3);
    else certificate(p, 1, { validUntil: addDays(DATE, -1) });
  }
  for (let i = 0; i < 7; i++) {
    // 低保 households with a school-age child: six without 两免一补, one with it.
    const h = household('654023');
    const head = person(h, birth(30, 50), 'HEAD');
    const child = person(h, birth(7, 14), 'CHILD');
    award(head, 'MINIMUM_LIVING_URBAN');
    if (i === 6) award(child, 'TWO_EXEMPTIONS_ONE_SUBSIDY', { frequency: 'YEARLY', startDate: '2023-09-01' });
  }
  for (let i = 0; i < 6; i++) {
    // 低保 households with a certified disabled member: five without the living subsidy, one with it.
    const h = household('654023');
    const head = person(h, birth(30, 50), 'HEAD');
    const member = person(h, birth(20, 29), 'SIBLING');
    award(head, 'MINIMUM_LIVING_RURAL');
    certificate(member, 4);
    if (i === 5) award(member, 'DISABILITY_LIVING_SUBSIDY');
  }
  return records;
}

/**
 * A second load for the tests that the kept figures follow the data: three more households with
 * a rural housing renovation paying on DATE in 654024 (five before), and two more persons in
 * centralized support in 654025 (49 before). Identities unused by `statisticsFixture`.
 */
export function statisticsTopUp(): StatisticsRecord[] {
  const records: StatisticsRecord[] = [];
  const add = (n: number, county: string, programme: string) => {
    const i = records.filter((r) => r.type === 'household').length + 1;
    const h: Household = { type: 'household', id: `HT${String(i).padStart(5, '0')}`, regionCode: county, hukou: 'RURAL' };
    const birthDate = `1941-0${n}-1${i % 10}`;
    const p: Person = { type: 'person', id: makeResidentId(county, birthDate, 900 + i), name: `补充${i}`, gender: (900 + i) % 2 ? 'MALE' : 'FEMALE', birthDate, householdId: h.id, relation: 'HEAD', deathDate: null };
    const a: Award = {
      type: 'award', id: `ST-TOPUP-${i}`, department: DEPARTMENT.get(programme)!, programme, personId: p.id, householdId: h.id, regionCode: county,
      amountFen: 70_000, frequency: 'MONTHLY', startDate: '2024-01-01', endDate: null, status: 'ACTIVE', details: {},
    };
    records.push(h, p, a);
  };
  for (let n = 1; n <= 3; n++) add(n, '654024', 'RURAL_HOUSING_RENOVATION');
  for (let n = 4; n <= 5; n++) add(n, '654025', 'EXTREME_POVERTY_CENTRALIZED');
  return records;
}
