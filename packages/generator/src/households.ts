/**
 * Households: who lives together (relation to the head, plausible ages: parents at least 19 years
 * older than their children), their names and ID numbers, and some deaths.
 */
import type { Gender } from '@saf/identity';
import type { RELATIONS } from '@saf/interchange';
import { AS_OF, FIRST_DAY, addDays, addYears, ageOn, dayAfter, dayBefore, maxDate, randomDate } from './dates.ts';
import { fathersName, fullName, givenName, nameStyle, surname } from './names.ts';
import type { Rng } from './random.ts';
import { MIGRANT_BIRTH_REGIONS, addressOf, birthRegionCode, COUNTIES, type Ethnicity, type Place } from './regions.ts';
import type { Registry } from './registry.ts';

export type Relation = (typeof RELATIONS)[number];

export type HouseholdType =
  | 'SINGLE_ELDERLY'
  | 'ELDERLY_COUPLE'
  | 'COUPLE_WITH_CHILDREN'
  | 'THREE_GENERATIONS'
  | 'SINGLE_PARENT'
  | 'GRANDPARENT_CARE'
  | 'SINGLE_ADULT'
  | 'WITH_SIBLING'
  /** Head, spouse, a school-age child and a fourth member: the household with aid from all seven departments. */
  | 'FOUR_MEMBER';

export const BACKGROUND_TYPES = [
  ['SINGLE_ELDERLY', 14],
  ['ELDERLY_COUPLE', 10],
  ['COUPLE_WITH_CHILDREN', 33],
  ['THREE_GENERATIONS', 14],
  ['SINGLE_PARENT', 10],
  ['GRANDPARENT_CARE', 6],
  ['SINGLE_ADULT', 9],
  ['WITH_SIBLING', 4],
] as const satisfies readonly (readonly [HouseholdType, number])[];

export interface Member {
  id: string;
  name: string;
  gender: Gender;
  birthDate: string;
  relation: Relation;
  deathDate: string | null;
}

export interface Household {
  id: string;
  place: Place;
  hukou: 'URBAN' | 'RURAL';
  address: string;
  ethnicity: Ethnicity;
  type: HouseholdType;
  members: Member[];
}

export interface Spec {
  relation: Relation;
  gender: Gender;
  birthDate: string;
  /** A fixed name (planted cases); claimed like any other unless `sharesIdentity`. */
  name?: string;
  /** The planted second registration of someone already registered: same name key on purpose. */
  sharesIdentity?: boolean;
  /** The region part of the ID number, instead of one drawn from the home county. */
  idRegion?: string;
}

const other = (g: Gender): Gender => (g === 'MALE' ? 'FEMALE' : 'MALE');

export function bornAged(rng: Rng, age: number): string {
  return addDays(addYears(AS_OF, -age), -rng.int(0, 364));
}

/** Children of parents aged `youngerParentAge`, oldest born when that parent was 19–36. */
function children(rng: Rng, youngerParentAge: number, count: number, maxAge = 30, relation: Relation = 'CHILD'): Spec[] {
  const specs: Spec[] = [];
  let age = Math.min(maxAge, youngerParentAge - rng.int(19, 36));
  for (let i = 0; i < count && age >= 0; i++) {
    specs.push({ relation, gender: rng.chance(0.51) ? 'MALE' : 'FEMALE', birthDate: bornAged(rng, age) });
    age -= rng.int(1, 5);
  }
  return specs;
}

function spouseOf(rng: Rng, head: Spec, headAge: number): { spec: Spec; age: number } {
  const age = Math.max(20, headAge - (head.gender === 'MALE' ? rng.int(-2, 7) : rng.int(-7, 2)));
  return { spec: { relation: 'SPOUSE', gender: other(head.gender), birthDate: bornAged(rng, age) }, age };
}

function compose(rng: Rng, type: HouseholdType, large: boolean): Spec[] {
  const headOf = (minAge: number, maxAge: number, maleShare: number) => {
    const age = rng.int(minAge, maxAge);
    return { spec: { relation: 'HEAD', gender: rng.chance(maleShare) ? 'MALE' : 'FEMALE', birthDate: bornAged(rng, age) } as Spec, age };
  };
  const kids = () => rng.int(1, large ? 4 : 2);
  switch (type) {
    case 'SINGLE_ELDERLY':
      return [headOf(60, 92, 0.45).spec];
    case 'SINGLE_ADULT':
      return [headOf(20, 59, 0.6).spec];
    case 'ELDERLY_COUPLE': {
      const head = headOf(62, 88, 0.95);
      return [head.spec, spouseOf(rng, head.spec, head.age).spec];
    }
    case 'COUPLE_WITH_CHILDREN': {
      const head = headOf(24, 56, 0.92);
      const spouse = spouseOf(rng, head.spec, head.age);
      return [head.spec, spouse.spec, ...children(rng, Math.min(head.age, spouse.age), kids())];
    }
    case 'SINGLE_PARENT': {
      const head = headOf(25, 55, 0.25);
      return [head.spec, ...children(rng, head.age, rng.int(1, 3))];
    }
    case 'THREE_GENERATIONS': {
      const head = headOf(28, 52, 0.92);
      const spouse = spouseOf(rng, head.spec, head.age);
      const kidsOf = children(rng, Math.min(head.age, spouse.age), kids()).slice(0, 3);
      const fatherAge = Math.min(95, head.age + rng.int(22, 34));
      const parents: Spec[] = [];
      if (rng.chance(0.6)) parents.push({ relation: 'PARENT', gender: 'MALE', birthDate: bornAged(rng, fatherAge) });
      if (parents.length === 0 || rng.chance(0.7)) parents.push({ relation: 'PARENT', gender: 'FEMALE', birthDate: bornAged(rng, Math.max(head.age + 20, fatherAge - rng.int(0, 5))) });
      return [head.spec, spouse.spec, ...kidsOf, ...parents].slice(0, 7);
    }
    case 'GRANDPARENT_CARE': {
      const head = headOf(56, 78, 0.5);
      const specs = [head.spec];
      if (rng.chance(0.5)) specs.push(spouseOf(rng, head.spec, head.age).spec);
      const youngest = Math.min(...specs.map((s) => ageOn(s.birthDate, AS_OF)));
      return [...specs, ...children(rng, youngest - 22, rng.int(1, 3), 16, 'GRANDCHILD')];
    }
    case 'WITH_SIBLING': {
      const head = headOf(25, 60, 0.6);
      const specs = [head.spec, { relation: 'SIBLING', gender: rng.chance(0.5) ? 'MALE' : 'FEMALE', birthDate: bornAged(rng, Math.max(18, head.age + rng.int(-8, 8))) } as Spec];
      if (rng.chance(0.4)) specs.push(spouseOf(rng, head.spec, head.age).spec);
      return specs;
    }
    case 'FOUR_MEMBER': {
      const head = headOf(34, 50, 0.92);
      const spouse = spouseOf(rng, head.spec, head.age);
      const young = Math.min(head.age, spouse.age);
      // A child of compulsory-school age (6–14), so 两免一补 applies, and a fourth member.
      const child: Spec = { relation: 'CHILD', gender: rng.chance(0.5) ? 'MALE' : 'FEMALE', birthDate: bornAged(rng, rng.int(7, Math.min(14, young - 20))) };
      const fourth: Spec = rng.chance(0.5)
        ? { relation: 'CHILD', gender: rng.chance(0.5) ? 'MALE' : 'FEMALE', birthDate: bornAged(rng, rng.int(Math.min(16, young - 19), Math.min(21, young - 19))) }
        : { relation: 'PARENT', gender: rng.chance(0.5) ? 'MALE' : 'FEMALE', birthDate: bornAged(rng, Math.min(92, head.age + rng.int(22, 32))) };
      return [head.spec, spouse.spec, child, fourth];
    }
  }
}

export interface HouseholdOptions {
  type: HouseholdType;
  place: Place;
  /** Whether some members may have died (never in four-member and planted households). */
  deaths: boolean;
  ethnicity?: Ethnicity;
  /** The members, head first, instead of a composition drawn for `type` (planted cases). */
  specs?: Spec[];
  hukou?: 'URBAN' | 'RURAL';
}

export function makeHousehold(rng: Rng, registry: Registry, opts: HouseholdOptions): Household {
  const { place } = opts;
  const ethnicity = opts.ethnicity ?? rng.weighted(place.county.ethnicities);
  const large = ethnicity !== 'HAN' && !place.urban;
  const specs = opts.specs ?? compose(rng, opts.type, large);
  const hukou = opts.hukou ?? (place.urban ? 'URBAN' : 'RURAL');
  const id = `H${place.regionCode.slice(0, 6)}${registry.tag ? `-${registry.tag}` : ''}${String(registry.next(`household:${place.regionCode.slice(0, 6)}`)).padStart(6, '0')}`;
  const members = nameAndRegister(rng, registry, specs, ethnicity, place);
  if (opts.deaths) addDeaths(rng, members);
  return { id, place, hukou, address: addressOf(rng, place), ethnicity, type: opts.type, members };
}

/** Where a resident's ID was issued: mostly the home county, as it was called when they were born. */
function idRegion(rng: Rng, place: Place, ethnicity: Ethnicity, birthDate: string): string {
  const r = rng.next();
  if (r < 0.06 && (ethnicity === 'HAN' || ethnicity === 'HUI') && birthDate < '1995-01-01') return rng.pick(MIGRANT_BIRTH_REGIONS);
  const county = r < 0.16 ? rng.pick(COUNTIES).code : place.county.code;
  return birthRegionCode(county, birthDate);
}

function nameAndRegister(rng: Rng, registry: Registry, specs: Spec[], ethnicity: Ethnicity, place: Place): Member[] {
  const style = nameStyle(ethnicity);
  const head = specs[0]!;
  const spouse = specs.find((s) => s.relation === 'SPOUSE');
  const family = style === 'PATRONYMIC' ? fathersName(rng, ethnicity) : surname(rng, ethnicity);
  const spouseFamily = style === 'PATRONYMIC' ? fathersName(rng, ethnicity) : surname(rng, ethnicity);
  const members: Member[] = [];
  let headGiven = '';
  let spouseGiven = '';
  const childFamily = style === 'SURNAME'
    ? (head.gender === 'MALE' ? family : spouse ? spouseFamily : rng.chance(0.5) ? family : surname(rng, ethnicity))
    : '';
  const outsideFather = style === 'PATRONYMIC' ? fathersName(rng, ethnicity) : surname(rng, ethnicity);

  for (const spec of specs) {
    let birthDate = spec.birthDate;
    let name = spec.name ?? '';
    if (spec.name !== undefined) {
      // A fixed name keeps its birth date unless someone else already has both.
      for (let shift = 1; !spec.sharesIdentity && !registry.claimIdentity(name, birthDate, spec.gender); shift++) birthDate = addDays(spec.birthDate, -shift);
    } else for (let attempt = 0; ; attempt++) {
      // After many clashes of name, birth date and gender, move the birthday a little.
      if (attempt > 0 && attempt % 12 === 0) birthDate = addDays(spec.birthDate, rng.int(-20, -1));
      // The head's father is the man the head's patronymic names.
      const headsFather = style === 'PATRONYMIC' && spec.relation === 'PARENT' && spec.gender === 'MALE' && attempt < 12;
      const given = headsFather ? family : givenName(rng, ethnicity, spec.gender, birthDate);
      name = fullName(style, given, familyOf(spec, given));
      if (registry.claimIdentity(name, birthDate, spec.gender)) {
        if (spec.relation === 'HEAD') headGiven = style === 'PATRONYMIC' ? given : '';
        if (spec.relation === 'SPOUSE') spouseGiven = style === 'PATRONYMIC' ? given : '';
        break;
      }
    }
    const id = registry.issueId(rng, spec.idRegion ?? idRegion(rng, place, ethnicity, birthDate), birthDate, spec.gender);
    members.push({ id, name, gender: spec.gender, birthDate, relation: spec.relation, deathDate: null });
  }
  return members;

  /** Surname (Han-style) or father's given name (Uyghur, Kazakh) of a member. */
  function familyOf(spec: Spec, given: string): string {
    if (style === 'SINGLE') return '';
    if (style === 'SURNAME') {
      switch (spec.relation) {
        case 'HEAD': case 'SIBLING': return family;
        case 'PARENT': return spec.gender === 'MALE' ? family : surname(rng, ethnicity);
        case 'SPOUSE': return spouseFamily;
        case 'CHILD': case 'GRANDCHILD': return childFamily;
        default: return surname(rng, ethnicity);
      }
    }
    switch (spec.relation) {
      case 'HEAD': case 'SIBLING': return family;
      case 'SPOUSE': return spouseFamily;
      case 'CHILD': return head.gender === 'MALE' ? headGiven || given : spouseGiven || outsideFather;
      case 'PARENT': return fathersName(rng, ethnicity);
      default: return outsideFather;
    }
  }
}

/** Some older members died during the period the data covers. */
function addDeaths(rng: Rng, members: Member[]): void {
  const youngestChild = members.filter((m) => m.relation === 'CHILD').reduce((acc, m) => maxDate(acc, m.birthDate), '0000-01-01');
  for (const m of members) {
    const age = ageOn(m.birthDate, AS_OF);
    const p = age >= 75 ? 0.1 : age >= 60 ? 0.04 : age >= 18 ? 0.007 : 0;
    if (!rng.chance(p)) continue;
    let earliest = maxDate(FIRST_DAY, dayAfter(m.birthDate));
    if (m.relation === 'HEAD' || m.relation === 'SPOUSE') earliest = maxDate(earliest, youngestChild);
    const latest = dayBefore(AS_OF);
    if (earliest <= latest) m.deathDate = randomDate(rng, earliest, latest);
  }
}
