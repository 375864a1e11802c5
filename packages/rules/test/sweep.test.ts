import { describe, expect, it } from 'vitest';
import { detectFindings, type RuleAward, type RulePerson } from '../src/index.ts';

// A region-wide sweep: 100,000 persons in 50,000 two-person households, three awards each. Every
// 100th household holds a planted pair of each kind; the rest hold aid that may be combined.
function region() {
  const persons: RulePerson[] = [];
  const awards: RuleAward[] = [];
  let n = 0;
  const add = (department: string, programme: string, personId: string, startDate: string, endDate: string | null) =>
    awards.push({ department, id: `A${n++}`, programme, personId, householdId: null, startDate, endDate, frequency: 'MONTHLY', status: 'ACTIVE' });
  for (let h = 0; h < 50_000; h++) {
    const planted = h % 100 === 0;
    const [head, spouse] = [`P${h}-1`, `P${h}-2`];
    persons.push({ id: head, householdId: `H${h}`, deathDate: null }, { id: spouse, householdId: `H${h}`, deathDate: planted ? '2024-02-29' : null });
    add('CIVIL_AFFAIRS', 'MINIMUM_LIVING_URBAN', head, '2020-01-01', null);
    add('CIVIL_AFFAIRS', planted ? 'MINIMUM_LIVING_RURAL' : 'TEMPORARY_ASSISTANCE', head, '2023-01-01', '2023-12-31');
    add('HOUSING', 'RENTAL_SUBSIDY', head, '2021-01-01', null);
    add('HOUSING', planted ? 'LOW_RENT_HOUSING' : 'AFFORDABLE_HOUSING', spouse, '2022-01-01', null);
    add('HEALTH', 'MEDICAL_ASSISTANCE_INPATIENT', spouse, '2022-05-01', '2022-05-20');
    add('LABOUR', 'TRAINING_SUBSIDY', spouse, '2019-01-01', '2019-06-30');
  }
  return { persons, awards };
}

describe('a region-wide sweep', () => {
  it('checks 100,000 persons in seconds and finds exactly the planted cases', { timeout: 60_000 }, () => {
    const { persons, awards } = region();
    const started = performance.now();
    const findings = detectFindings({ persons, awards });
    const seconds = (performance.now() - started) / 1000;
    const counts = Object.fromEntries(['EXCLUSIVE_PROGRAMMES', 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES', 'AWARD_AFTER_DEATH'].map((r) => [r, findings.filter((f) => f.rule === r).length]));
    expect(counts).toEqual({ EXCLUSIVE_PROGRAMMES: 500, HOUSEHOLD_EXCLUSIVE_PROGRAMMES: 500, AWARD_AFTER_DEATH: 500 });
    expect(findings).toHaveLength(1500);
    // Comparing every award with every other would be 1.8 × 10^11 pairs: hours, not seconds.
    expect(seconds).toBeLessThan(10);
  });
});
