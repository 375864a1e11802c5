import { describe, expect, it } from 'vitest';
import { makeResidentId } from '@saf/identity';
import { IdentityLeads, awardKey, detectFindings, detectPossibleDuplicateIdentities, isPaying, nameKey, periodOf, type RuleAward, type RulePerson } from '../src/index.ts';
import { of } from './helpers.ts';

// Two ID numbers for one man born 1990-03-15: issued in 伊宁市 (654002) and 奎屯市 (654003), both in Ili (6540).
const ID_A = makeResidentId('654002', '1990-03-15', 11);
const ID_B = makeResidentId('654003', '1990-03-15', 13);
const ID_C = makeResidentId('654004', '1990-03-15', 15);

function personOf(id: string, overrides: Partial<RulePerson> = {}): RulePerson {
  return { id, householdId: `H-${id}`, deathDate: null, name: '艾买提·吐尔洪', birthDate: '1990-03-15', gender: 'MALE', regionCode: '654002001', ...overrides };
}
const paying = (id: string, personId: string, overrides: Partial<RuleAward> = {}) => of('MINIMUM_LIVING_URBAN', { id, personId, ...overrides });

describe('detectPossibleDuplicateIdentities', () => {
  it('finds two ID numbers with the same normalised name, birth date, gender and prefecture, both paid', () => {
    const persons = [personOf(ID_A, { name: '艾买提·吐尔洪' }), personOf(ID_B, { name: '艾麦提 图尔洪', regionCode: '654003' })];
    const awards = [paying('A1', ID_A), of('RENTAL_SUBSIDY', { id: 'B1', personId: ID_B })];
    const findings = detectPossibleDuplicateIdentities(persons, awards);
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'POSSIBLE_DUPLICATE_IDENTITY',
        householdId: null,
        personIds: [ID_A, ID_B].sort(),
        awardIds: ['A1', 'B1'],
        awardKeys: ['CIVIL_AFFAIRS:A1', 'HOUSING:B1'],
        departments: ['CIVIL_AFFAIRS', 'HOUSING'],
        overlapStart: null,
        overlapEnd: null,
      }),
    ]);
    expect(findings[0]?.id).toMatch(/^F-[0-9a-f]{16}$/);
    expect(findings[0]?.explanation).toContain(`艾买提·吐尔洪（${ID_A}）`);
    expect(findings[0]?.explanation).toContain(`艾麦提 图尔洪（${ID_B}）`);
    expect(findings[0]?.explanation).toContain('6540');
    expect(findings[0]?.explanation).toContain('请联系民政、住建核实');
  });

  const base = () => ({
    persons: [personOf(ID_A), personOf(ID_B)],
    awards: [paying('A1', ID_A), paying('B1', ID_B)],
  });

  it.each<{ label: string; change: (c: { persons: RulePerson[]; awards: RuleAward[] }) => void; found: number }>([
    { label: 'the same on every count', change: () => {}, found: 1 },
    { label: 'different prefectures (6540 Ili, 6523 Changji)', change: (c) => void (c.persons[1]!.regionCode = '652301'), found: 0 },
    { label: 'same prefecture, different counties', change: (c) => void (c.persons[1]!.regionCode = '654021'), found: 1 },
    { label: 'different birth dates', change: (c) => void (c.persons[1]!.birthDate = '1990-03-16'), found: 0 },
    { label: 'different genders', change: (c) => void (c.persons[1]!.gender = 'FEMALE'), found: 0 },
    { label: 'a different name', change: (c) => void (c.persons[1]!.name = '艾买提·吐尔逊'), found: 0 },
    { label: 'Latin spelling differing only in case and separators', change: (c) => void ((c.persons[0]!.name = 'Ehmet Turghun'), (c.persons[1]!.name = 'EHMET-TURGHUN')), found: 1 },
    { label: 'Memet Ali and Mamat Ali (issue 26)', change: (c) => void ((c.persons[0]!.name = 'Memet Ali'), (c.persons[1]!.name = 'Mamat Ali')), found: 1 },
    { label: '买买提·艾力 and Memet Ali (issue 26)', change: (c) => void ((c.persons[0]!.name = '买买提·艾力'), (c.persons[1]!.name = 'Memet Ali')), found: 1 },
    { label: 'Chinese and Uyghur script', change: (c) => void ((c.persons[0]!.name = '艾合买提·吐尔洪'), (c.persons[1]!.name = 'ئەخمەت تۇرغۇن')), found: 1 },
    { label: 'Chinese and the Pinyin of another office', change: (c) => void ((c.persons[0]!.name = '艾合买提·吐尔洪'), (c.persons[1]!.name = 'Aihemaiti Tuerhong')), found: 1 },
    { label: 'Chinese and Kazakh Cyrillic', change: (c) => void ((c.persons[0]!.name = '努尔兰·赛力克'), (c.persons[1]!.name = 'Нұрлан Серікұлы')), found: 1 },
    { label: 'similar names in two scripts: 艾力 and Eni', change: (c) => void ((c.persons[0]!.name = '买买提·艾力'), (c.persons[1]!.name = 'Memet Eni')), found: 0 },
    { label: 'Ali and Alim', change: (c) => void ((c.persons[0]!.name = 'Memet Ali'), (c.persons[1]!.name = 'Memet Alim')), found: 0 },
    { label: 'Han names one character apart', change: (c) => void ((c.persons[0]!.name = '王芳'), (c.persons[1]!.name = '汪芳')), found: 0 },
    { label: 'a Han name and its Pinyin (not compared, as before)', change: (c) => void ((c.persons[0]!.name = '王芳'), (c.persons[1]!.name = 'Wang Fang')), found: 0 },
    { label: 'the same name in two scripts, different birth dates', change: (c) => void ((c.persons[0]!.name = '买买提·艾力'), (c.persons[1]!.name = 'Memet Ali'), (c.persons[1]!.birthDate = '1990-03-16')), found: 0 },
    { label: 'one of them without a paying award (SUSPENDED)', change: (c) => void (c.awards[1]!.status = 'SUSPENDED'), found: 0 },
    { label: 'one of them with only a PENDING application', change: (c) => void (c.awards[1]!.status = 'PENDING'), found: 0 },
    { label: 'one of them with only a REJECTED award', change: (c) => void (c.awards[1]!.status = 'REJECTED'), found: 0 },
    { label: 'one of them with no award at all', change: (c) => void c.awards.pop(), found: 0 },
    { label: 'an ENDED award counts as having received aid', change: (c) => void (c.awards[1]!.status = 'ENDED'), found: 1 },
    { label: 'no region on record for one of them', change: (c) => void delete c.persons[1]!.regionCode, found: 0 },
    { label: 'birth date and gender taken from the ID when not given', change: (c) => void (delete c.persons[1]!.birthDate, delete c.persons[1]!.gender), found: 1 },
    { label: 'a third identity: three pairs', change: (c) => void (c.persons.push(personOf(ID_C)), c.awards.push(paying('C1', ID_C))), found: 3 },
  ])('$label', ({ change, found }) => {
    const input = base();
    change(input);
    expect(detectPossibleDuplicateIdentities(input.persons, input.awards)).toHaveLength(found);
  });

  it('keeps its id when the awards change and whatever the input order', () => {
    const { persons, awards } = base();
    const first = detectPossibleDuplicateIdentities(persons, awards);
    const later = detectPossibleDuplicateIdentities([...persons].reverse(), [...awards, paying('A2', ID_A, { startDate: '2025-01-01', endDate: null })].reverse());
    expect(later.map((f) => f.id)).toEqual(first.map((f) => f.id));
    expect(later[0]?.awardIds).toEqual(['A1', 'A2', 'B1']);
  });

  it('counts a person or award reached twice once', () => {
    const { persons, awards } = base();
    const findings = detectPossibleDuplicateIdentities([...persons, ...persons], [...awards, ...awards]);
    expect(findings.map((f) => [f.personIds, f.awardIds])).toEqual([[[ID_A, ID_B].sort(), ['A1', 'B1']]]);
  });

  it('gives the household when both are registered in one', () => {
    const { persons, awards } = base();
    persons[0]!.householdId = 'H9';
    persons[1]!.householdId = 'H9';
    expect(detectPossibleDuplicateIdentities(persons, awards)[0]?.householdId).toBe('H9');
  });

  it('is not one of the duplicate-aid rules', () => {
    const { persons, awards } = base();
    expect(detectFindings({ persons, awards })).toEqual([]);
  });
});

/**
 * The rule as first written (every person indexed, paying awards grouped by person, candidates
 * grouped by identity key, every pair), as pairs of person ids with their award keys: what
 * `IdentityLeads` must find however its input is split. Names compare by nameKey.
 */
function referencePairs(persons: readonly RulePerson[], awards: readonly RuleAward[]): string[] {
  const byId = new Map<string, RulePerson>();
  for (const p of persons) if (!byId.has(p.id)) byId.set(p.id, p);
  const unique = new Map(awards.map((a) => [awardKey(a), a]));
  const paying = new Map<string, string[]>();
  for (const a of unique.values()) if (isPaying(a, 'paying') && periodOf(a) !== null) paying.set(a.personId, [...(paying.get(a.personId) ?? []), awardKey(a)]);
  const groups = new Map<string, string[]>();
  for (const p of byId.values()) {
    if (!paying.has(p.id) || !p.name || !p.regionCode) continue;
    const birthDate = p.birthDate ?? `${p.id.slice(6, 10)}-${p.id.slice(10, 12)}-${p.id.slice(12, 14)}`;
    const gender = p.gender ?? (Number(p.id[16]) % 2 === 1 ? 'MALE' : 'FEMALE');
    const key = [p.regionCode.slice(0, 4), nameKey(p.name), birthDate, gender.toUpperCase()].join('|');
    groups.set(key, [...(groups.get(key) ?? []), p.id]);
  }
  const pairs: string[] = [];
  for (const ids of groups.values()) {
    ids.sort();
    for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) pairs.push(`${ids[i]} ${ids[j]}: ${[...paying.get(ids[i]!)!, ...paying.get(ids[j]!)!].sort().join(' ')}`);
  }
  return pairs.sort();
}

describe('IdentityLeads', () => {
  /** A small deterministic generator: few names, birth dates and regions, so that identities collide often. */
  function sample(seed: number): { persons: RulePerson[]; awards: RuleAward[] } {
    let state = seed;
    const next = (n: number) => ((state = (state * 1103515245 + 12345) % 2147483648), state % n);
    // Nine (not eight) names: the generator's low bits repeat with a period of eight.
    const names = ['艾买提·吐尔洪', '艾麦提 图尔洪', 'Ehmet Turghun', 'ئەخمەت تۇرغۇن', 'Aimaiti Tuerhong', '张三', 'ZHANG SAN', 'zhang-san', '李四'];
    const births = ['1990-03-15', '1990-03-16', '1985-12-01'];
    const persons: RulePerson[] = [];
    const awards: RuleAward[] = [];
    for (let i = 0; i < 120; i++) {
      const birthDate = births[next(births.length)]!;
      const id = makeResidentId(['654002', '654003', '652301'][next(3)]!, birthDate, i);
      const person: RulePerson = { id, householdId: `H${next(40)}`, deathDate: null, name: names[next(names.length)]!, birthDate, gender: Number(id[16]) % 2 === 1 ? 'MALE' : 'FEMALE', regionCode: id.slice(0, 6) };
      if (next(5) === 0) delete person.birthDate;
      if (next(5) === 0) delete person.gender;
      if (next(20) === 0) delete person.regionCode;
      persons.push(person);
      for (let k = next(3); k > 0; k--) {
        awards.push(of(['MINIMUM_LIVING_URBAN', 'RENTAL_SUBSIDY', 'UNEMPLOYMENT_INSURANCE'][next(3)]!, { id: `A${i}-${k}`, personId: id, householdId: person.householdId, status: (['ACTIVE', 'ENDED', 'SUSPENDED', 'PENDING'] as const)[next(4)], endDate: next(6) === 0 ? '2023-01-01' : '2024-06-30' }));
      }
    }
    return { persons, awards };
  }

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('finds what the rule as first written finds, however the input is split into parts (seed %i)', (seed) => {
    const { persons, awards } = sample(seed);
    const whole = referencePairs(persons, awards);
    expect(whole.length).toBeGreaterThan(0);
    const leads = new IdentityLeads();
    // Pages: persons and awards in random-sized parts; some persons and awards again on a later part.
    let p = 0;
    let a = 0;
    for (let part = 0; p < persons.length || a < awards.length; part++) {
      const size = 1 + ((seed * 7 + part * 13) % 29);
      const again = part > 0 ? [persons[(part * 17) % p]!] : [];
      leads.add([...persons.slice(p, p + size), ...again], [...awards.slice(a, a + size), ...(part > 0 ? [awards[(part * 11) % a]!] : [])]);
      p += size;
      a += size;
    }
    const found = leads.findings();
    expect(found.map((f) => `${f.personIds.join(' ')}: ${f.awardKeys.join(' ')}`).sort()).toEqual(whole);
    expect(found).toEqual(detectPossibleDuplicateIdentities(persons, awards));
  });

  it('refuses a person seen again with a different household or death date, on any later part', () => {
    const leads = new IdentityLeads();
    leads.add([personOf(ID_A)], []);
    expect(() => leads.add([personOf(ID_A, { householdId: 'H-other' })], [])).toThrow(`person ${ID_A} appears more than once`);
    expect(() => leads.add([personOf(ID_A, { deathDate: '2024-01-01' })], [])).toThrow(`person ${ID_A} appears more than once`);
  });
});
