import { describe, expect, it } from 'vitest';
import { detectFindings, type AwardStatus, type Mode, type RuleAward } from '../src/index.ts';
import { award, household } from './helpers.ts';

// Two awards of 城市低保 (not repeatable) to one person: a finding exactly when both pay on a common day.
function overlap(a: Partial<RuleAward>, b: Partial<RuleAward>, mode: Mode = 'paying') {
  const findings = detectFindings({ persons: household, awards: [award({ id: 'A', ...a }), award({ id: 'B', ...b })], mode });
  expect(findings.every((f) => f.rule === 'SAME_PROGRAMME_OVERLAP')).toBe(true);
  return findings.map((f) => [f.overlapStart, f.overlapEnd]);
}

describe('periods: both ends inclusive', () => {
  it.each([
    {
      label: 'periods touching on one day overlap on that day',
      a: { startDate: '2024-01-01', endDate: '2024-03-31' },
      b: { startDate: '2024-03-31', endDate: '2024-06-30' },
      expected: [['2024-03-31', '2024-03-31']],
    },
    {
      label: 'back-to-back periods do not overlap',
      a: { startDate: '2024-01-01', endDate: '2024-03-31' },
      b: { startDate: '2024-04-01', endDate: '2024-06-30' },
      expected: [],
    },
    {
      label: 'a contained period overlaps on all its days',
      a: { startDate: '2024-01-01', endDate: '2024-12-31' },
      b: { startDate: '2024-03-01', endDate: '2024-03-31' },
      expected: [['2024-03-01', '2024-03-31']],
    },
    {
      label: 'identical one-day periods',
      a: { startDate: '2024-02-29', endDate: '2024-02-29' },
      b: { startDate: '2024-02-29', endDate: '2024-02-29' },
      expected: [['2024-02-29', '2024-02-29']],
    },
    {
      label: 'two open ends overlap without end',
      a: { startDate: '2024-01-01', endDate: null },
      b: { startDate: '2024-06-01', endDate: null },
      expected: [['2024-06-01', null]],
    },
    {
      label: 'an open end overlaps a later closed period',
      a: { startDate: '2024-01-01', endDate: null },
      b: { startDate: '2030-03-01', endDate: '2030-04-30' },
      expected: [['2030-03-01', '2030-04-30']],
    },
    {
      label: 'an open end starting the day after the other ends does not overlap',
      a: { startDate: '2024-07-01', endDate: null },
      b: { startDate: '2024-01-01', endDate: '2024-06-30' },
      expected: [],
    },
    {
      label: 'an open end starting on the other’s last day overlaps that day',
      a: { startDate: '2024-06-30', endDate: null },
      b: { startDate: '2024-01-01', endDate: '2024-06-30' },
      expected: [['2024-06-30', '2024-06-30']],
    },
    {
      label: 'an end before the start has no days',
      a: { startDate: '2024-05-01', endDate: '2024-04-01' },
      b: { startDate: '2024-01-01', endDate: '2024-12-31' },
      expected: [],
    },
  ])('$label', ({ a, b, expected }) => {
    expect(overlap(a, b)).toEqual(expected);
    expect(overlap(b, a)).toEqual(expected);
  });
});

describe('periods: ONCE awards', () => {
  it.each([
    {
      label: 'without endDate it pays on its start date only',
      a: { frequency: 'ONCE' as const, startDate: '2024-03-15', endDate: null },
      b: { startDate: '2024-03-15', endDate: '2024-06-30' },
      expected: [['2024-03-15', '2024-03-15']],
    },
    {
      label: 'without endDate it does not reach the next day',
      a: { frequency: 'ONCE' as const, startDate: '2024-03-14', endDate: null },
      b: { startDate: '2024-03-15', endDate: '2024-06-30' },
      expected: [],
    },
    {
      label: 'without endDate it is not open-ended',
      a: { frequency: 'ONCE' as const, startDate: '2024-01-01', endDate: null },
      b: { startDate: '2024-02-01', endDate: null },
      expected: [],
    },
    {
      label: 'with endDate it pays to that date',
      a: { frequency: 'ONCE' as const, startDate: '2024-03-01', endDate: '2024-03-31' },
      b: { startDate: '2024-03-31', endDate: null },
      expected: [['2024-03-31', '2024-03-31']],
    },
    {
      label: 'with endDate it stops on that date',
      a: { frequency: 'ONCE' as const, startDate: '2024-03-01', endDate: '2024-03-30' },
      b: { startDate: '2024-03-31', endDate: null },
      expected: [],
    },
    {
      label: 'two ONCE awards on one day',
      a: { frequency: 'ONCE' as const, startDate: '2024-03-01', endDate: null },
      b: { frequency: 'ONCE' as const, startDate: '2024-03-01', endDate: null },
      expected: [['2024-03-01', '2024-03-01']],
    },
  ])('$label', ({ a, b, expected }) => {
    expect(overlap(a, b)).toEqual(expected);
    expect(overlap(b, a)).toEqual(expected);
  });
});

describe('statuses: which awards pay', () => {
  const cases: Array<{ status: AwardStatus; paying: boolean; proposal: boolean }> = [
    { status: 'ACTIVE', paying: true, proposal: true },
    { status: 'ENDED', paying: true, proposal: true },
    { status: 'PENDING', paying: false, proposal: true },
    { status: 'SUSPENDED', paying: false, proposal: false },
    { status: 'REJECTED', paying: false, proposal: false },
  ];
  it.each(cases)('$status pays in paying mode: $paying, in proposal mode: $proposal', ({ status, paying, proposal }) => {
    expect(overlap({ status: 'ACTIVE' }, { status }, 'paying')).toHaveLength(paying ? 1 : 0);
    expect(overlap({ status: 'ACTIVE' }, { status }, 'proposal')).toHaveLength(proposal ? 1 : 0);
    // With the other award ENDED, nothing changes: ENDED pays on the days of its period.
    expect(overlap({ status: 'ENDED' }, { status }, 'paying')).toHaveLength(paying ? 1 : 0);
  });

  it('two PENDING awards conflict only in proposal mode', () => {
    expect(overlap({ status: 'PENDING' }, { status: 'PENDING' }, 'paying')).toEqual([]);
    expect(overlap({ status: 'PENDING' }, { status: 'PENDING' }, 'proposal')).toHaveLength(1);
  });

  it('defaults to paying mode', () => {
    const awards = [award({ id: 'A' }), award({ id: 'B', status: 'PENDING' })];
    expect(detectFindings({ persons: household, awards })).toEqual([]);
  });
});
