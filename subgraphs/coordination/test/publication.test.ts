import { describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { disclosureFor, isMonthEnd, lastCompleteMonthEnd, monthEnd, publishedPeriod, statisticsScope, universeOf } from '../src/statistics/publication.ts';

const ctx = (caller: Caller) => ({ caller }) as never;
const code = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (err) {
    return { code: (err as { extensions?: { code?: string; field?: string } }).extensions?.code, field: (err as { extensions?: { field?: string } }).extensions?.field };
  }
};

describe('who gets exact figures', () => {
  it('is the coordination office and caseworkers; everyone else gets published ones', () => {
    expect(disclosureFor({ sub: 'c', role: 'COORDINATOR' })).toBe('EXACT');
    expect(disclosureFor({ sub: 'w', role: 'CASEWORKER', region: '654002' })).toBe('EXACT');
    for (const role of ['ANALYST', 'AUDITOR', 'DEPARTMENT_OFFICER'] as const) expect(disclosureFor({ sub: 'x', role, department: 'LABOUR' })).toBe('PUBLISHED');
  });
});

describe('month ends', () => {
  it('knows the last day of every month, leap years included', () => {
    expect(['2024-01-15', '2024-02-01', '2023-02-10', '2024-12-31'].map(monthEnd)).toEqual(['2024-01-31', '2024-02-29', '2023-02-28', '2024-12-31']);
    expect(['2024-02-29', '2024-02-28', '2024-06-30', '2024-07-30'].map(isMonthEnd)).toEqual([true, false, true, false]);
  });

  it('defaults to the end of the last month that has ended', () => {
    expect(lastCompleteMonthEnd('2024-03-01')).toBe('2024-02-29');
    expect(lastCompleteMonthEnd('2024-03-31')).toBe('2024-02-29');
    expect(lastCompleteMonthEnd('2025-01-07')).toBe('2024-12-31');
  });
});

describe('what a statistics request may ask', () => {
  const analyst: Caller = { sub: 'a', role: 'ANALYST' };

  it('refuses a township or community prefix, a day other than a month end, and a month not yet ended, for published figures', () => {
    expect(code(() => statisticsScope(ctx(analyst), '654027201', '2024-06-30'))).toEqual({ code: 'BAD_USER_INPUT', field: 'regionCode' });
    expect(code(() => statisticsScope(ctx(analyst), '654027', '2024-06-29'))).toEqual({ code: 'BAD_USER_INPUT', field: 'date' });
    expect(code(() => statisticsScope(ctx(analyst), '654027', monthEnd(new Date().toISOString().slice(0, 10).replace(/^(\d{4})/, (y) => String(Number(y) + 1)))))).toEqual({ code: 'BAD_USER_INPUT', field: 'date' });
    expect(statisticsScope(ctx(analyst), '654027', '2024-06-30')).toMatchObject({ prefix: '654027', date: '2024-06-30', disclosure: 'PUBLISHED', universe: '65' });
    expect(statisticsScope(ctx(analyst), '6540', null).date).toBe(lastCompleteMonthEnd());
  });

  it('lets the coordination office ask any prefix and day', () => {
    expect(statisticsScope(ctx({ sub: 'c', role: 'COORDINATOR' }), '654027201', '2024-06-29')).toMatchObject({ prefix: '654027201', disclosure: 'EXACT', universe: '654027201' });
  });

  it('keeps published disaster relief periods to whole months', () => {
    expect(publishedPeriod({ from: '2024-01-01', to: '2024-03-31' })).toEqual({ from: '2024-01-01', to: '2024-03-31' });
    expect(code(() => publishedPeriod({ from: '2024-01-02', to: '2024-03-31' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'from' });
    expect(code(() => publishedPeriod({ from: '2024-01-01', to: '2024-03-30' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it('computes published figures over their province, exact ones over the prefix asked about', () => {
    expect(['65', '6540', '654027'].map((p) => universeOf(p, 'PUBLISHED'))).toEqual(['65', '65', '65']);
    expect(['6540', '654027201'].map((p) => universeOf(p, 'EXACT'))).toEqual(['6540', '654027201']);
  });
});
