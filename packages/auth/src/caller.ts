import { z } from 'zod';
import { isRegionPrefix } from '@saf/identity';
import { DEPARTMENTS, type Department } from '@saf/programmes';

/** The roles of SPEC section 1; a token carries exactly one. */
export const ROLES = ['CASEWORKER', 'DEPARTMENT_OFFICER', 'COORDINATOR', 'ANALYST', 'AUDITOR'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is calling, as verified from a bearer token (gateway) or from the gateway's signed caller
 * header (subgraphs). `region` is a jurisdiction prefix (2, 4, 6, 9 or 12 digits); `department`
 * is the officer's own department.
 */
export interface Caller {
  sub: string;
  role: Role;
  region?: string;
  department?: Department;
}

// Printable, no whitespace at the ends: a sub ends up in logs and in the audit chain.
const SUB = /^[^\s\p{Cc}](?:[^\p{Cc}]*[^\s\p{Cc}])?$/u;

/**
 * Role/claim combinations: a caseworker needs a region (their jurisdiction); an officer needs a
 * department. A department on any other role is rejected rather than ignored, because a token that
 * says more than the role allows is a mistake in whatever issued it. Other roles may carry a region
 * to narrow what they see.
 */
export const callerSchema = z
  .strictObject({
    sub: z.string().min(1, 'sub must not be empty').max(200, 'sub is longer than 200 characters').regex(SUB, 'sub has control characters or surrounding spaces'),
    role: z.enum(ROLES, { error: `role must be one of ${ROLES.join(' ')}` }),
    region: z
      .string({ error: 'region must be a string of digits' })
      .refine(isRegionPrefix, 'region must be a jurisdiction prefix of 2, 4, 6, 9 or 12 digits')
      .optional(),
    department: z.enum(DEPARTMENTS, { error: `department must be one of ${DEPARTMENTS.join(' ')}` }).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.role === 'CASEWORKER' && c.region === undefined) {
      ctx.addIssue({ code: 'custom', path: ['region'], message: 'a CASEWORKER needs a region (their jurisdiction)' });
    }
    if (c.role === 'DEPARTMENT_OFFICER' && c.department === undefined) {
      ctx.addIssue({ code: 'custom', path: ['department'], message: 'a DEPARTMENT_OFFICER needs a department' });
    }
    if (c.role !== 'DEPARTMENT_OFFICER' && c.department !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['department'], message: `a ${c.role} must not carry a department` });
    }
  });

export type CallerResult = { ok: true; caller: Caller } | { ok: false; reason: string };

/** Validates a caller; `reason` lists every problem, e.g. `region: a CASEWORKER needs a region`. */
export function parseCaller(input: unknown): CallerResult {
  const result = callerSchema.safeParse(input);
  if (result.success) return { ok: true, caller: normalise(result.data) };
  const reason = result.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
  return { ok: false, reason };
}

/** The fields in a fixed order and without undefined keys, so serialisations are stable. */
function normalise(c: Caller): Caller {
  return {
    sub: c.sub,
    role: c.role,
    ...(c.region !== undefined ? { region: c.region } : {}),
    ...(c.department !== undefined ? { department: c.department } : {}),
  };
}

/** The caller claims of a JWT payload: other claims (iss, aud, exp, …) are not part of a caller. */
export function callerClaims(payload: Record<string, unknown>): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: payload.sub, role: payload.role };
  if (payload.region !== undefined) claims.region = payload.region;
  if (payload.department !== undefined) claims.department = payload.department;
  return claims;
}
