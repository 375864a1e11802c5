import { DEPARTMENTS, type Department } from '@saf/programmes';
import type { Caller } from './caller.ts';
import { PURPOSES } from './purposes.ts';

/**
 * Who asks for data under a sharing agreement (SPEC section 12): a department, or one of the
 * offices that are not one: the 街道/乡镇 social assistance platforms' caseworkers, the leading
 * group's coordination office, the statistics analysts, the supervisors (audit).
 */
export const OFFICES = [...DEPARTMENTS, 'CASEWORKER', 'COORDINATION', 'ANALYST', 'AUDIT'] as const;
export type Office = (typeof OFFICES)[number];

/** The office a caller reads for: an officer's department, otherwise their role's office. */
export function officeOf(caller: Pick<Caller, 'role' | 'department'>): Office {
  switch (caller.role) {
    case 'DEPARTMENT_OFFICER':
      if (!caller.department) throw new Error('an officer without a department');
      return caller.department;
    case 'CASEWORKER':
      return 'CASEWORKER';
    case 'COORDINATOR':
      return 'COORDINATION';
    case 'ANALYST':
      return 'ANALYST';
    case 'AUDITOR':
      return 'AUDIT';
  }
}

/** An approved agreement as the gateway enforces it (times in ms since the epoch). */
export interface SharingGrant {
  id: string;
  requester: string;
  owner: Department;
  /** `Type.field`, `Type.*` (every field of the type the owner resolves) or `*` (every field of the owner). */
  coordinates: string[];
  purpose: string;
  validFrom: number;
  validUntil: number;
  /** In production, the requester's callers may send operations not registered. */
  adHocQueries?: boolean;
}

/** Whether `coordinates` (an agreement's) include `coordinate`. */
export function coversCoordinate(coordinates: readonly string[], coordinate: string): boolean {
  const dot = coordinate.indexOf('.');
  const typeWildcard = `${coordinate.slice(0, dot)}.*`;
  return coordinates.some((c) => c === coordinate || c === '*' || c === typeWildcard);
}

export const DEFAULT_LEGAL_BASIS =
  '《社会救助暂行办法》及本地区社会救助工作领导小组确定的部门职责分工（系统默认协议，覆盖各角色日常工作） Interim Measures on Social Assistance and the leading group\'s division of duties (shipped default: the roles\' everyday work)';

export interface DefaultAgreement {
  id: string;
  requester: Office;
  owner: Department;
  coordinates: string[];
  purpose: string;
  legalBasis: string;
}

/**
 * The agreements the system ships with: each office may read every department's `CONDITIONAL`
 * fields (`*`) for each purpose its role may declare today (packages/auth/purposes.json), so the
 * roles' everyday work goes on as before the agreements existed. They are stored, listed and
 * revocable like any other (the owner's officers revoke one to stop that use).
 */
export function defaultAgreements(): DefaultAgreement[] {
  const out: DefaultAgreement[] = [];
  const add = (requester: Office, purpose: string) => {
    for (const owner of DEPARTMENTS) {
      if (owner === requester) continue;
      out.push({ id: `default:${requester}:${owner}:${purpose}`, requester, owner, coordinates: ['*'], purpose, legalBasis: DEFAULT_LEGAL_BASIS });
    }
  };
  for (const p of PURPOSES) {
    for (const role of p.roles) {
      if (role === 'DEPARTMENT_OFFICER') for (const d of p.departments ?? DEPARTMENTS) add(d, p.code);
      else add(officeOf({ role }), p.code);
    }
  }
  return out;
}
