import { describe, expect, it } from 'vitest';
import { parseResidentId } from '@saf/identity';
import { validateLine, type AwardRecord, type HouseholdRecord, type InterchangeRecord, type PersonRecord } from '@saf/interchange';
import { DEPARTMENTS } from '@saf/programmes';
import { detailsSchemas as civilAffairs } from '../../../subgraphs/civil-affairs/src/details.ts';
import { detailsSchemas as disabled } from '../../../subgraphs/disabled-persons-federation/src/details.ts';
import { detailsSchemas as education } from '../../../subgraphs/education/src/details.ts';
import { detailsSchemas as health } from '../../../subgraphs/health/src/details.ts';
import { detailsSchemas as housing } from '../../../subgraphs/housing/src/details.ts';
import { detailsSchemas as justice } from '../../../subgraphs/justice/src/details.ts';
import { detailsSchemas as labour } from '../../../subgraphs/labour/src/details.ts';
import nameVariants from '../../rules/name-variants.json' with { type: 'json' };
import { ALL_GIVEN_NAMES, COUNTIES, DEPARTMENT_PREFIX } from '../src/index.ts';
import { generated } from './helpers.ts';

const schemas: Record<string, { safeParse(v: unknown): { success: boolean; error?: unknown }; shape: Record<string, unknown> }> = {
  ...civilAffairs, ...disabled, ...education, ...health, ...housing, ...justice, ...labour,
};

const { records, lines } = generated({ households: 600, seed: 'records' });
const of = <T extends InterchangeRecord['type']>(type: T) => records.filter((r): r is Extract<InterchangeRecord, { type: T }> => r.type === type);
const households = of('household');
const persons = of('person');
const awards = of('award');
const certificates = of('disabilityCertificate');
const personById = new Map(persons.map((p) => [p.id, p]));
const householdById = new Map(households.map((h) => [h.id, h]));

describe('generated records', () => {
  it('every line passes the interchange validation', () => {
    const errors = lines.flatMap((line, i) => {
      const r = validateLine(line, i + 1);
      return r.ok ? [] : r.errors;
    });
    expect(errors).toEqual([]);
    expect(households).toHaveLength(600);
  });

  it('every award passes its department details schema, using only the fields it declares', () => {
    const problems: string[] = [];
    for (const a of awards) {
      const schema = schemas[a.programme];
      if (!schema) continue;
      if (!schema.safeParse(a.details).success) problems.push(`${a.id} ${a.programme}: ${JSON.stringify(a.details)}`);
      const unknown = Object.keys(a.details).filter((k) => !(k in schema.shape));
      if (unknown.length) problems.push(`${a.id} ${a.programme}: undeclared ${unknown.join(', ')}`);
      if (Object.keys(a.details).length === 0) problems.push(`${a.id} ${a.programme}: empty details`);
    }
    expect(problems).toEqual([]);
  });

  it('keeps identifiers unique and well formed', () => {
    const unique = (ids: string[]) => expect(new Set(ids).size).toBe(ids.length);
    unique(persons.map((p) => p.id));
    unique(households.map((h) => h.id));
    unique(awards.map((a) => a.id));
    unique(certificates.map((c) => c.id));
    // Region + birth date + sequence is unique too (the check character follows from them).
    unique(persons.map((p) => p.id.slice(0, 17)));
    for (const h of households) expect(h.id).toMatch(/^H\d{6}(-G[0-9A-Z]{5}-)?\d{6}$/);
    for (const a of awards) expect(a.id).toMatch(new RegExp(`^${DEPARTMENT_PREFIX[a.department]}-(G[0-9A-Z]{5}-)?\\d{8}$`));
    for (const c of certificates) expect(c.id).toMatch(/^DPF-(G[0-9A-Z]{5}-)?\d+$/);
  });

  it('references only persons and households of the file, and awards carry their household and region', () => {
    for (const p of persons) expect(householdById.has(p.householdId)).toBe(true);
    for (const c of certificates) expect(personById.has(c.personId)).toBe(true);
    for (const a of awards) {
      const person = personById.get(a.personId);
      expect(person).toBeDefined();
      expect(a.householdId).toBe(person!.householdId);
      expect(a.regionCode).toBe(householdById.get(a.householdId!)!.regionCode);
    }
  });

  it('places households in Ili counties, townships and communities', () => {
    const counties = new Set(COUNTIES.map((c) => c.code));
    const lengths = new Set<number>();
    for (const h of households) {
      expect(counties.has(h.regionCode.slice(0, 6))).toBe(true);
      lengths.add(h.regionCode.length);
    }
    expect([...lengths].sort()).toEqual([12, 6, 9]);
    expect(new Set(households.map((h) => h.regionCode.slice(0, 6))).size).toBe(COUNTIES.length);
  });

  it('gives households 1 to 7 members with one head and plausible ages', () => {
    const members = new Map<string, PersonRecord[]>();
    for (const p of persons) members.set(p.householdId, [...(members.get(p.householdId) ?? []), p]);
    for (const [id, list] of members) {
      expect(list.length, id).toBeGreaterThanOrEqual(1);
      expect(list.length, id).toBeLessThanOrEqual(7);
      const heads = list.filter((p) => p.relation === 'HEAD');
      expect(heads, id).toHaveLength(1);
      const head = heads[0]!;
      const spouse = list.find((p) => p.relation === 'SPOUSE');
      for (const p of list) {
        // Children at least 18 years younger than head and spouse; parents older than the head.
        if (p.relation === 'CHILD') {
          for (const parent of [head, spouse]) if (parent) expect(p.birthDate > parent.birthDate.replace(/^\d{4}/, (y) => String(Number(y) + 18)), `${id} ${p.id}`).toBe(true);
        }
        if (p.relation === 'GRANDCHILD') expect(p.birthDate > head.birthDate.replace(/^\d{4}/, (y) => String(Number(y) + 36)), `${id} ${p.id}`).toBe(true);
        if (p.relation === 'PARENT') expect(p.birthDate < head.birthDate, `${id} ${p.id}`).toBe(true);
        if (p.deathDate) expect(p.deathDate >= '2019-01-01' && p.deathDate <= '2026-06-30').toBe(true);
      }
    }
  });

  it('agrees with the ID on birth date and gender (odd sequence for men)', () => {
    for (const p of persons) {
      const parsed = parseResidentId(p.id);
      expect(parsed.ok && parsed.value.birthDate === p.birthDate && parsed.value.gender === p.gender).toBe(true);
      expect(Number(p.id[16]) % 2 === 1).toBe(p.gender === 'MALE');
    }
  });

  it('writes names by ethnicity: Uyghur and Kazakh names with ·, Han names of two or three characters', () => {
    const dotted = persons.filter((p) => p.name.includes('·'));
    const plain = persons.filter((p) => /^[\u4e00-\u9fff]{2,3}$/.test(p.name));
    expect(dotted.length).toBeGreaterThan(persons.length * 0.2);
    expect(plain.length).toBeGreaterThan(persons.length * 0.3);
    for (const p of dotted) expect(p.name).toMatch(/^[\u4e00-\u9fff]+·[\u4e00-\u9fff]+$/);
  });

  it('names Uyghur and Kazakh children after their father, the head', () => {
    let checked = 0;
    for (const h of households) {
      const members = persons.filter((p) => p.householdId === h.id);
      const head = members.find((p) => p.relation === 'HEAD')!;
      if (head.gender !== 'MALE' || !head.name.includes('·')) continue;
      for (const child of members.filter((p) => p.relation === 'CHILD')) {
        expect(child.name.split('·')[1], `${child.name} of ${head.name}`).toBe(head.name.split('·')[0]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('draws given names only in their canonical spelling (variants appear only where planted)', () => {
    const variantSpellings = nameVariants.variants.flatMap((v) => v.variants);
    expect(ALL_GIVEN_NAMES.filter((name) => variantSpellings.some((v) => name.includes(v)))).toEqual([]);
  });

  it('keeps periods between 2019 and 2026, amounts realistic, statuses mostly active', () => {
    for (const a of awards) {
      expect(a.startDate >= '2019-01-01' && a.startDate <= '2026-12-31', a.id).toBe(true);
      if (a.endDate) expect(a.endDate <= '2026-12-31', a.id).toBe(true);
      expect(a.amountFen).toBeGreaterThan(0);
    }
    const urban = awards.filter((a) => a.programme === 'MINIMUM_LIVING_URBAN');
    expect(urban.length).toBeGreaterThan(100);
    for (const a of urban) expect(a.amountFen >= 20_000 && a.amountFen <= 80_000, `${a.id} ${a.amountFen}`).toBe(true);
    const share = (s: string) => awards.filter((a) => a.status === s).length / awards.length;
    expect(share('ACTIVE')).toBeGreaterThan(0.4);
    for (const s of ['ENDED', 'SUSPENDED', 'PENDING', 'REJECTED']) expect(share(s), s).toBeGreaterThan(0);
  });

  it('covers the programme mix', () => {
    const programmes = new Set(awards.map((a) => a.programme));
    for (const p of ['MINIMUM_LIVING_URBAN', 'MINIMUM_LIVING_RURAL', 'EXTREME_POVERTY_CENTRALIZED', 'EXTREME_POVERTY_DISPERSED', 'TEMPORARY_ASSISTANCE', 'DISASTER_RELIEF', 'ORPHAN_ALLOWANCE', 'ENTITLED_GROUPS_CARE',
      'UNEMPLOYMENT_INSURANCE', 'PUBLIC_WELFARE_JOB', 'REEMPLOYMENT_SUPPORT', 'TRAINING_SUBSIDY', 'JOB_PLACEMENT_SUBSIDY', 'INSURANCE_PREMIUM_SUBSIDY', 'MEDICAL_ASSISTANCE_INPATIENT', 'MEDICAL_ASSISTANCE_OUTPATIENT',
      'TWO_EXEMPTIONS_ONE_SUBSIDY', 'STUDENT_GRANT', 'TUITION_WAIVER', 'STUDENT_LOAN', 'LOW_RENT_HOUSING', 'RENTAL_SUBSIDY', 'RURAL_HOUSING_RENOVATION', 'LEGAL_AID',
      'DISABILITY_LIVING_SUBSIDY', 'SEVERE_DISABILITY_NURSING_SUBSIDY', 'REHABILITATION_AID']) {
      expect(programmes.has(p), p).toBe(true);
    }
    // 低保 follows hukou.
    for (const a of awards.filter((x) => x.programme.startsWith('MINIMUM_LIVING_') && !isPlanted(x))) {
      expect(a.programme === 'MINIMUM_LIVING_URBAN').toBe(householdById.get(a.householdId!)!.hukou === 'URBAN');
    }
    // Centralized 特困 names the institution.
    for (const a of awards.filter((x) => x.programme === 'EXTREME_POVERTY_CENTRALIZED')) expect(a.details.institution).toEqual(expect.any(String));
    // Disaster relief within 24 hours mostly, later sometimes.
    const delays = awards.filter((a) => a.programme === 'DISASTER_RELIEF').map((a) => (Date.parse(String(a.details.reliefAt)) - Date.parse(String(a.details.occurredAt))) / 3_600_000);
    expect(delays.every((h) => h > 0)).toBe(true);
    expect(delays.filter((h) => h <= 24).length).toBeGreaterThan(delays.length / 2);
  });

  it('makes the first household, and at least one in ten, four members with aid from all seven departments', () => {
    const full = households.filter((h) => isFull(h));
    expect(isFull(households[0]!)).toBe(true);
    expect(full.length).toBeGreaterThanOrEqual(households.length / 10);
  });
});

function isFull(h: HouseholdRecord): boolean {
  const members = persons.filter((p) => p.householdId === h.id);
  const departments = new Set(awards.filter((a) => a.householdId === h.id).map((a) => a.department));
  return members.length === 4 && DEPARTMENTS.every((d) => departments.has(d));
}

const plantedHouseholds = new Set(generated({ households: 600, seed: 'records' }).planted.map((f) => f.householdId));
function isPlanted(a: AwardRecord): boolean {
  return plantedHouseholds.has(a.householdId ?? null);
}
