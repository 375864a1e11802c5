import { makeResidentId } from '@saf/identity';

/** One household of four with an award in every department: the picture a caseworker opens. */
export function householdWithEverything(n = 1) {
  const hh = `H65400200${String(n).padStart(4, '0')}`;
  const head = makeResidentId('654002', '1970-05-01', 10 * n + 1);
  const spouse = makeResidentId('654002', '1972-08-12', 10 * n + 2);
  const child = makeResidentId('654002', '2012-09-01', 10 * n + 3);
  const elder = makeResidentId('654002', '1945-01-20', 10 * n + 5);
  const award = (dept: string, prefix: string, programme: string, personId: string, extra: object = {}) => ({
    type: 'award',
    id: `${prefix}-${n}-${programme}`,
    department: dept,
    programme,
    personId,
    householdId: hh,
    regionCode: '654002',
    amountFen: 50_000,
    frequency: 'MONTHLY',
    startDate: '2024-01-01',
    endDate: null,
    status: 'ACTIVE',
    details: {},
    ...extra,
  });
  const records = [
    { type: 'household', id: hh, regionCode: '654002', hukou: 'URBAN', address: '伊宁市 解放路 1 号' },
    { type: 'person', id: head, name: '阿依古丽·买买提', gender: 'MALE', birthDate: '1970-05-01', householdId: hh, relation: 'HEAD', deathDate: null },
    { type: 'person', id: spouse, name: '王芳', gender: 'FEMALE', birthDate: '1972-08-12', householdId: hh, relation: 'SPOUSE', deathDate: null },
    { type: 'person', id: child, name: '努尔兰·别克', gender: 'MALE', birthDate: '2012-09-01', householdId: hh, relation: 'CHILD', deathDate: null },
    { type: 'person', id: elder, name: '张桂兰', gender: 'MALE', birthDate: '1945-01-20', householdId: hh, relation: 'PARENT', deathDate: null },
    award('CIVIL_AFFAIRS', 'CA', 'MINIMUM_LIVING_URBAN', head, { details: { householdSize: 4, localStandardFen: 62_000 } }),
    award('LABOUR', 'LB', 'PUBLIC_WELFARE_JOB', spouse, { details: { position: '保洁员' } }),
    award('HEALTH', 'HE', 'MEDICAL_ASSISTANCE_INPATIENT', elder, { frequency: 'ONCE', endDate: '2024-01-01', amountFen: 230_000 }),
    award('EDUCATION', 'ED', 'TWO_EXEMPTIONS_ONE_SUBSIDY', child, { frequency: 'YEARLY', details: { school: '伊宁市第三小学', stage: 'PRIMARY', schoolYear: '2024-2025' } }),
    award('HOUSING', 'HO', 'RENTAL_SUBSIDY', head, { details: { subsidisedAreaSqm: 50 } }),
    award('JUSTICE', 'JU', 'LEGAL_AID', spouse, { frequency: 'ONCE', details: { caseType: 'CIVIL', stage: 'ASSIGNED' } }),
    award('DISABLED_PERSONS_FEDERATION', 'DP', 'SEVERE_DISABILITY_NURSING_SUBSIDY', elder, { details: { certificateId: `DPF-${n}` } }),
    { type: 'disabilityCertificate', id: `DPF-${n}`, personId: elder, category: 'PHYSICAL', grade: 1, issuedDate: '2019-03-01', validUntil: null },
  ];
  return { householdId: hh, persons: { head, spouse, child, elder }, records };
}

/**
 * The demo's cross-county duplicate identity (scripts/demo.ts, seed 2026): one woman registered
 * twice, in 654021 under one spelling of her name and in 654025 under another, with other ID
 * numbers of the same birth date; both registrations draw aid (低保 in each county, and medical
 * assistance from health in 654025). A prefecture sweep files a POSSIBLE_DUPLICATE_IDENTITY
 * finding about the two. Neither household has any labour award.
 */
export function duplicateIdentityAcrossCounties() {
  const here = { householdId: 'H654021000037', personId: '654125197312276241', name: '古力娜尔·阿布都热合满', regionCode: '654021' };
  const there = { householdId: 'H654025000026', personId: '654125197312277949', name: '古丽娜尔·阿不都热合曼', regionCode: '654025' };
  const award = (id: string, department: string, programme: string, who: typeof here, extra: object = {}) => ({
    type: 'award', id, department, programme, personId: who.personId, householdId: who.householdId, regionCode: who.regionCode,
    amountFen: 45_000, frequency: 'MONTHLY', startDate: '2023-06-01', endDate: null, status: 'ACTIVE', details: {}, ...extra,
  });
  const records = [
    { type: 'household', id: here.householdId, regionCode: here.regionCode, hukou: 'URBAN', address: '察布查尔县 团结路 8 号' },
    { type: 'person', id: here.personId, name: here.name, gender: 'FEMALE', birthDate: '1973-12-27', householdId: here.householdId, relation: 'HEAD', deathDate: null },
    { type: 'household', id: there.householdId, regionCode: there.regionCode, hukou: 'RURAL', address: '新源县 那拉提镇 5 号' },
    { type: 'person', id: there.personId, name: there.name, gender: 'FEMALE', birthDate: '1973-12-27', householdId: there.householdId, relation: 'HEAD', deathDate: null },
    award('CA-ID-URBAN', 'CIVIL_AFFAIRS', 'MINIMUM_LIVING_URBAN', here),
    award('CA-ID-RURAL', 'CIVIL_AFFAIRS', 'MINIMUM_LIVING_RURAL', there),
    award('HE-ID-OUTPATIENT', 'HEALTH', 'MEDICAL_ASSISTANCE_OUTPATIENT', there, { amountFen: 16_600, frequency: 'ONCE', startDate: '2024-01-23', status: 'ENDED', details: { hospital: '那拉提镇卫生院' } }),
  ];
  return { here, there, records };
}
