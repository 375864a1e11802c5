import { describe, expect, it } from 'vitest';
import { SWEEP_AWARD_COLUMNS, SWEEP_HOUSEHOLD_COLUMNS, SWEEP_PERSON_COLUMNS, SweepRowsError, fromSweepRows } from '@saf/interchange';
import { readSweepBatch, type SweepBatchAnswer } from '../src/batch.ts';
import { AWARD_FIELDS } from '../src/requires.ts';

const award = (id: string, personId: string, householdId: string | null, programme = 'MINIMUM_LIVING_RURAL', startDate = '2024-01-01') => [id, programme, personId, householdId, startDate, null, 'MONTHLY', 'ACTIVE'];
const rows = (columns: readonly string[], r: unknown[][]) => ({ columns, rows: r });

function page(overrides: Partial<SweepBatchAnswer> = {}): SweepBatchAnswer {
  const empty = Object.fromEntries(Object.keys(AWARD_FIELDS).map((f) => [f, rows(SWEEP_AWARD_COLUMNS, [])]));
  return {
    hasNextPage: false,
    endCursor: 'H2',
    householdIds: ['H1', 'H2'],
    households: rows(SWEEP_HOUSEHOLD_COLUMNS, [
      ['H1', '654002001'],
      ['H2', '654021'],
    ]),
    persons: rows(SWEEP_PERSON_COLUMNS, [
      ['P1', 'H1', '甲', 'MALE', '1960-01-01', null],
      ['P2', 'H1', '乙', 'FEMALE', '1962-01-01', '2024-03-01'],
      ['P3', 'H2', '丙', 'MALE', '1990-01-01', null],
    ]),
    ...empty,
    labourAwards: rows(SWEEP_AWARD_COLUMNS, [award('L1', 'P1', 'H1', 'UNEMPLOYMENT_INSURANCE', '2024-02-01'), award('L2', 'P3', null, 'PUBLIC_WELFARE_JOB')]),
    civilAffairsAwards: rows(SWEEP_AWARD_COLUMNS, [award('C1', 'P2', 'H1'), award('C2', 'PX', 'H2')]),
    ...overrides,
  };
}

describe('reading a sweep page', () => {
  it('gives the rules the members with their household and region, and every department’s awards', () => {
    const facts = readSweepBatch(page(), new Set());
    expect(facts.households).toEqual([
      { id: 'H1', regionCode: '654002001' },
      { id: 'H2', regionCode: '654021' },
    ]);
    expect(facts.persons.find((p) => p.id === 'P2')).toEqual({ id: 'P2', householdId: 'H1', deathDate: '2024-03-01', name: '乙', birthDate: '1962-01-01', gender: 'FEMALE', regionCode: '654002001' });
    // C2 belongs to a person outside the page, but it is recorded against H2: it counts.
    expect(facts.awards.map((a) => `${a.department}:${a.id}`).sort()).toEqual(['CIVIL_AFFAIRS:C1', 'CIVIL_AFFAIRS:C2', 'LABOUR:L1', 'LABOUR:L2']);
    expect(facts.awards.find((a) => a.id === 'C1')).toEqual({ department: 'CIVIL_AFFAIRS', id: 'C1', programme: 'MINIMUM_LIVING_RURAL', personId: 'P2', householdId: 'H1', startDate: '2024-01-01', endDate: null, frequency: 'MONTHLY', status: 'ACTIVE' });
  });

  it('leaves out households already checked on an earlier page, with their members and awards', () => {
    const facts = readSweepBatch(page(), new Set(['H1']));
    expect(facts.households.map((h) => h.id)).toEqual(['H2']);
    expect(facts.persons.map((p) => p.id)).toEqual(['P3']);
    expect(facts.awards.map((a) => a.id).sort()).toEqual(['C2', 'L2']);
  });

  it('refuses a page it cannot read, naming the part', () => {
    expect(() => readSweepBatch(page({ healthAwards: null }), new Set())).toThrow(/healthAwards: missing/);
    expect(() => readSweepBatch(page({ labourAwards: rows(['id', 'programme'], []) }), new Set())).toThrow(/labourAwards: columns/);
    expect(() => readSweepBatch(page({ persons: rows(SWEEP_PERSON_COLUMNS, [['P1', 'H1', '甲', 'MALE', '1960-01-01']]) }), new Set())).toThrow(/persons: row 0 does not have 6 values/);
    expect(() => readSweepBatch(page({ labourAwards: rows(SWEEP_AWARD_COLUMNS, [award('L1', 'P1', 'H1').map((v, i) => (i === 4 ? null : v))]) }), new Set())).toThrow(/labourAwards: row 0, startDate is missing/);
    expect(() => readSweepBatch(page({ households: rows(SWEEP_HOUSEHOLD_COLUMNS, [['H1', 654002]]) }), new Set())).toThrow(/households: row 0, regionCode is not text/);
  });
});

describe('compact rows', () => {
  it('read back what they were made from', () => {
    const value = JSON.parse(JSON.stringify({ columns: ['id', 'a'], rows: [['x', null]] }));
    expect(fromSweepRows(value, ['id', 'a'] as const, 'test', ['a'])).toEqual([{ id: 'x', a: null }]);
    expect(() => fromSweepRows(value, ['id', 'a'] as const, 'test')).toThrow(SweepRowsError);
    expect(() => fromSweepRows('rows', ['id'] as const, 'test')).toThrow('test: not a set of rows');
  });
});
