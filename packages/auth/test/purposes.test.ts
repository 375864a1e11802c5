import { describe, expect, it } from 'vitest';
import { DEPARTMENTS } from '@saf/programmes';
import { PURPOSES, ROLES, STATISTICS_PURPOSE, findPurpose, mayDeclare, purposesFor } from '../src/index.ts';

describe('the purposes list (packages/auth/purposes.json)', () => {
  it('has unique codes and labels, codes a signed header carries, and only real roles and departments', () => {
    const texts = PURPOSES.flatMap((p) => [p.code, p.zh]);
    expect(new Set(texts).size).toBe(texts.length);
    for (const p of PURPOSES) {
      expect(p.code, p.code).toMatch(/^[A-Z][A-Z0-9_]{0,63}$/);
      expect(p.zh, p.code).toMatch(/\p{Script=Han}/u);
      expect(p.en, p.code).toMatch(/^[A-Z]/);
      expect(p.roles.length, p.code).toBeGreaterThan(0);
      for (const role of p.roles) expect(ROLES, p.code).toContain(role);
      for (const d of p.departments ?? []) expect(DEPARTMENTS, p.code).toContain(d);
      if (p.departments) expect(p.roles, p.code).toContain('DEPARTMENT_OFFICER');
    }
  });

  it('gives every role, and every department’s officers, purposes of their own work', () => {
    const codes = (who: Parameters<typeof purposesFor>[0]) => purposesFor(who).map((p) => p.code);
    expect(codes({ role: 'CASEWORKER' })).toEqual(expect.arrayContaining(['MINIMUM_LIVING_REVIEW', 'MINIMUM_LIVING_RECHECK', 'EXTREME_POVERTY_REVIEW', 'TEMPORARY_ASSISTANCE_REVIEW', 'DUPLICATE_AID_CHECK', 'HOME_VISIT']));
    expect(codes({ role: 'COORDINATOR' })).toEqual(expect.arrayContaining(['STATISTICS', 'SWEEP', 'SUPERVISION', 'DUPLICATE_AID_CHECK']));
    expect(codes({ role: 'AUDITOR' })).toEqual(['AUDIT']);
    expect(codes({ role: 'ANALYST' })).toEqual(['STATISTICS']);
    for (const department of DEPARTMENTS) {
      const own = codes({ role: 'DEPARTMENT_OFFICER', department });
      // Review, re-check and payment of their own programmes, and the duplicate checks.
      expect(own.filter((c) => /_REVIEW$/.test(c)).length, department).toBeGreaterThan(0);
      expect(own.filter((c) => /_PAYMENT$/.test(c)).length, department).toBe(1);
      expect(own, department).toContain('DUPLICATE_AID_CHECK');
    }
    expect(codes({ role: 'DEPARTMENT_OFFICER', department: 'LABOUR' })).not.toContain('MINIMUM_LIVING_REVIEW');
    expect(codes({ role: 'DEPARTMENT_OFFICER', department: 'CIVIL_AFFAIRS' })).not.toContain('EMPLOYMENT_AID_REVIEW');
    // An officer token without a department (refused by parseCaller anyway) gets no department's purposes.
    expect(codes({ role: 'DEPARTMENT_OFFICER' })).toEqual(['DUPLICATE_AID_CHECK']);
  });

  it('finds a purpose by its code or its Chinese label, nothing else', () => {
    expect(findPurpose('低保审核')?.code).toBe('MINIMUM_LIVING_REVIEW');
    expect(findPurpose('MINIMUM_LIVING_REVIEW')?.zh).toBe('低保审核');
    expect(findPurpose('minimum_living_review')).toBeUndefined();
    expect(findPurpose('Minimum living guarantee: application review')).toBeUndefined();
    expect(findPurpose('test')).toBeUndefined();
  });

  it('lets the coordination office declare statistics for the figures it works out', () => {
    expect(mayDeclare({ role: 'COORDINATOR' }, findPurpose(STATISTICS_PURPOSE)!)).toBe(true);
    expect(mayDeclare({ role: 'CASEWORKER' }, findPurpose('AUDIT')!)).toBe(false);
  });
});
