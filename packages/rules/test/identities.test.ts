import { describe, expect, it } from 'vitest';
import { makeResidentId } from '@saf/identity';
import { detectFindings, detectPossibleDuplicateIdentities, type RuleAward, type RulePerson } from '../src/index.ts';
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
