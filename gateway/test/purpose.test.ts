import { describe, expect, it } from 'vitest';
import { HttpError } from '@saf/service';
import type { Caller } from '@saf/auth';
import { acceptPurpose } from '../src/purpose.ts';

const CASEWORKER: Caller = { sub: 'cw', role: 'CASEWORKER', region: '654002' };
const LABOUR_OFFICER: Caller = { sub: 'lo', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' };

/** The 400's message and extensions, or null when the purpose passes. */
function refusal(run: () => unknown): { message: string; extensions: Record<string, unknown> } | null {
  try {
    run();
    return null;
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    expect(err.status).toBe(400);
    const [error] = (err.body as { errors: { message: string; extensions: Record<string, unknown> }[] }).errors;
    return { message: error!.message, extensions: error!.extensions };
  }
}

describe('purposes from the list, per role', () => {
  it('accepts a purpose by code or Chinese label, when the caller’s role may declare it', () => {
    expect(acceptPurpose(CASEWORKER, '低保审核')?.code).toBe('MINIMUM_LIVING_REVIEW');
    expect(acceptPurpose(CASEWORKER, 'MINIMUM_LIVING_REVIEW')?.zh).toBe('低保审核');
    expect(acceptPurpose(LABOUR_OFFICER, 'EMPLOYMENT_AID_PAYMENT')?.zh).toBe('就业救助资金发放');
    expect(acceptPurpose(CASEWORKER, null)).toBeNull();
  });

  it('refuses an unknown purpose with PURPOSE_NOT_ALLOWED, listing what the role may declare', () => {
    const refused = refusal(() => acceptPurpose(CASEWORKER, 'test'));
    expect(refused?.extensions).toMatchObject({ code: 'PURPOSE_NOT_ALLOWED', field: 'x-purpose' });
    expect(refused?.message).toMatch(/用途「test」不在用途清单中/);
    expect(refused?.message).toContain('低保审核（MINIMUM_LIVING_REVIEW）');
    expect((refused?.extensions.allowed as { code: string }[]).map((p) => p.code)).toContain('HOME_VISIT');
    expect((refused?.extensions.allowed as { code: string }[]).map((p) => p.code)).not.toContain('AUDIT');
  });

  it('refuses another role’s purpose, and another department’s, naming it', () => {
    const auditors = refusal(() => acceptPurpose(CASEWORKER, '审计监督'));
    expect(auditors?.extensions.code).toBe('PURPOSE_NOT_ALLOWED');
    expect(auditors?.message).toMatch(/AUDIT \(审计监督\) is not one a CASEWORKER may declare/);
    const civil = refusal(() => acceptPurpose(LABOUR_OFFICER, 'MINIMUM_LIVING_REVIEW'));
    expect(civil?.message).toMatch(/not one a DEPARTMENT_OFFICER of LABOUR may declare/);
    expect((civil?.extensions.allowed as { code: string }[]).map((p) => p.code)).toEqual(['EMPLOYMENT_AID_REVIEW', 'EMPLOYMENT_AID_RECHECK', 'EMPLOYMENT_AID_PAYMENT', 'DUPLICATE_AID_CHECK']);
  });

  it('lets our own services carry the purpose of whom they act for (the office assembling the check at an approval), only a listed one', () => {
    const office: Caller = { sub: 'coordination office (approval of APP-1 for ca-1)', role: 'COORDINATOR' };
    expect(refusal(() => acceptPurpose(office, 'MINIMUM_LIVING_REVIEW'))?.extensions.code).toBe('PURPOSE_NOT_ALLOWED');
    expect(acceptPurpose(office, 'MINIMUM_LIVING_REVIEW', true)?.code).toBe('MINIMUM_LIVING_REVIEW');
    expect(refusal(() => acceptPurpose(office, 'test', true))?.extensions.code).toBe('PURPOSE_NOT_ALLOWED');
  });
});
