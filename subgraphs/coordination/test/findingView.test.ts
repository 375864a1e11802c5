import { describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { findingFor, type FindingData } from '../src/findingView.ts';

const KEY = Buffer.alloc(32, 7);
const A = '654125197312276241';
const B = '654125197312277949';

/** The demo's duplicate identity as a prefecture sweep files it: A lives in 654021, B in 654025. */
const identity: FindingData = {
  id: 'F-b6883f360f391734',
  rule: 'POSSIBLE_DUPLICATE_IDENTITY',
  householdId: null,
  regionCode: '6540',
  personIds: [A, B],
  awardIds: ['CA-2', 'CA-1', 'HE-1'],
  awardKeys: ['CIVIL_AFFAIRS:CA-2', 'CIVIL_AFFAIRS:CA-1', 'HEALTH:HE-1'],
  departments: ['CIVIL_AFFAIRS', 'HEALTH'],
  programmes: ['MINIMUM_LIVING_RURAL', 'MINIMUM_LIVING_URBAN', 'MEDICAL_ASSISTANCE_OUTPATIENT'],
  overlapStart: null,
  overlapEnd: null,
  explanation: `古力娜尔·阿布都热合满（${A}）、古丽娜尔·阿不都热合曼（${B}） 姓名相同……`,
  explanationEn: `… (${A}) and … (${B}) have the same name …`,
  parties: [
    { personId: A, regionCode: '654021201', awardKeys: ['CIVIL_AFFAIRS:CA-1'] },
    { personId: B, regionCode: '654025', awardKeys: ['CIVIL_AFFAIRS:CA-2', 'HEALTH:HE-1'] },
  ],
  status: 'OPEN',
};

/** A household finding between two members' housing awards, in 654002. */
const household: FindingData = {
  ...identity,
  id: 'F-household',
  rule: 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES',
  householdId: 'H654002000001',
  regionCode: '654002',
  personIds: ['P1', 'P2'],
  awardIds: ['HO-1', 'HO-2'],
  awardKeys: ['HOUSING:HO-1', 'HOUSING:HO-2'],
  departments: ['HOUSING'],
  programmes: ['LOW_RENT_HOUSING', 'RENTAL_SUBSIDY'],
  parties: [
    { personId: 'P1', regionCode: '654002', awardKeys: ['HOUSING:HO-1'] },
    { personId: 'P2', regionCode: '654002', awardKeys: ['HOUSING:HO-2'] },
  ],
};

const caseworker = (region: string): Caller => ({ sub: 'cw', role: 'CASEWORKER', region });
const officer = (department: Caller['department'], region?: string): Caller => ({ sub: 'o', role: 'DEPARTMENT_OFFICER', department, ...(region ? { region } : {}) });

describe('what of a finding a caller may see', () => {
  it('shows the coordination office, and anyone who may see every person in it, the finding as it is', () => {
    for (const caller of [{ sub: 'c', role: 'COORDINATOR' } as Caller, caseworker('6540'), officer('HEALTH', '65')]) {
      expect(findingFor(caller, identity, KEY)).toEqual({ ...identity, outsideJurisdiction: [], masked: false, storedId: identity.id });
    }
  });

  it('leaves out a person in another county: ID, awards, programmes, notes; says where they are and whom to contact', () => {
    const view = findingFor(caseworker('654021'), identity, KEY, { names: new Map([[A, '古力娜尔·阿布都热合满']]) })!;
    expect(view).toMatchObject({
      personIds: [A],
      awardIds: ['CA-1'],
      awardKeys: ['CIVIL_AFFAIRS:CA-1'],
      programmes: ['MINIMUM_LIVING_URBAN'],
      departments: ['CIVIL_AFFAIRS'],
      householdId: null,
      outsideJurisdiction: ['654025'],
      masked: true,
      storedId: identity.id,
    });
    expect(view.explanation).toContain('654025');
    expect(view.explanation).toContain('古力娜尔·阿布都热合满');
    const { storedId: _, ...served } = view;
    for (const secret of [B, '古丽娜尔', 'CA-2', 'HE-1', 'MINIMUM_LIVING_RURAL', 'MEDICAL_ASSISTANCE_OUTPATIENT', identity.id]) expect(JSON.stringify(served)).not.toContain(secret);
    // Its own id: stable, keyed, not the finding's.
    expect(view.id).toMatch(/^FM-[0-9a-f]{16}$/);
    expect(findingFor(caseworker('654021'), identity, KEY)!.id).toBe(view.id);
    expect(findingFor(caseworker('654021'), identity, Buffer.alloc(32, 8))!.id).not.toBe(view.id);
  });

  it('shows a person the answer already shows, and nothing when it involves no one the caller may see', () => {
    expect(findingFor(caseworker('654023'), identity, KEY)).toBeNull();
    expect(findingFor(caseworker('654023'), identity, KEY, { seen: new Set([B]) })).toMatchObject({ personIds: [B], outsideJurisdiction: ['654021'] });
  });

  it('shows an officer the persons their department pays in it, and the household it is about when it pays one of its members', () => {
    expect(findingFor(officer('HEALTH'), identity, KEY)).toMatchObject({ personIds: [B], awardKeys: ['CIVIL_AFFAIRS:CA-2', 'HEALTH:HE-1'], outsideJurisdiction: ['654021'] });
    expect(findingFor(officer('LABOUR'), identity, KEY)).toBeNull();
    expect(findingFor(officer('LABOUR', '654021'), identity, KEY)).toMatchObject({ personIds: [A], outsideJurisdiction: ['654025'] });
    const paysOne = { ...household, parties: [household.parties![0]!, { ...household.parties![1]!, awardKeys: ['CIVIL_AFFAIRS:CA-9'] }] };
    expect(findingFor(officer('HOUSING'), paysOne, KEY)).toMatchObject({ personIds: ['P1', 'P2'], masked: false });
    expect(findingFor(officer('LABOUR'), household, KEY)).toBeNull();
  });

  it('reads findings stored before their parties were kept as their region says, and a duplicate identity’s other person as unknown', () => {
    const old = { ...household, parties: null };
    expect(findingFor(caseworker('654002'), old, KEY)).toMatchObject({ masked: false });
    expect(findingFor(caseworker('654021'), old, KEY)).toBeNull();
    expect(findingFor(officer('HOUSING'), old, KEY)).toMatchObject({ masked: false });
    const oldIdentity = { ...identity, parties: null };
    // Filed under the prefecture: neither person's place is known, so only the one shown is seen, without any award (whose could it be?).
    expect(findingFor(caseworker('654021'), oldIdentity, KEY)).toBeNull();
    expect(findingFor(caseworker('654021'), oldIdentity, KEY, { seen: new Set([A]) })).toMatchObject({ personIds: [A], awardKeys: [], programmes: [], outsideJurisdiction: ['6540'] });
  });
});
