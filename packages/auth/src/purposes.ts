import type { Department } from '@saf/programmes';
import type { Role } from './caller.ts';
import table from '../purposes.json' with { type: 'json' };

// No runtime import but the table: the console bundles this module (`@saf/auth/purposes`).

/**
 * A purpose a caller may declare in `X-Purpose` for reading person-level data (用途), from the
 * list in `packages/auth/purposes.json`. The access log stores its Chinese label; requests carry
 * its code (or the label, percent-encoded).
 */
export interface Purpose {
  /** Stable: what the console and our own services send. Never renamed or reused. */
  code: string;
  zh: string;
  en: string;
  /** The roles that may declare it. */
  roles: Role[];
  /** For department officers: only those of these departments (absent: every department). */
  departments?: Department[];
}

/** Who declares: the role and, for an officer, the department. */
export interface Declarer {
  role: Role;
  department?: Department;
}

export const PURPOSES: readonly Purpose[] = (table as { purposes: Purpose[] }).purposes;

const byText = new Map<string, Purpose>();
for (const p of PURPOSES) {
  byText.set(p.code, p);
  byText.set(p.zh, p);
}

/** The purpose whose code or Chinese label is `text` exactly, or undefined. */
export function findPurpose(text: string): Purpose | undefined {
  return byText.get(text);
}

/** Whether `who` may declare `purpose`. */
export function mayDeclare(who: Declarer, purpose: Purpose): boolean {
  if (!purpose.roles.includes(who.role)) return false;
  return who.role !== 'DEPARTMENT_OFFICER' || !purpose.departments || (!!who.department && purpose.departments.includes(who.department));
}

/** The purposes `who` may declare, in the list's order. */
export function purposesFor(who: Declarer): Purpose[] {
  return PURPOSES.filter((p) => mayDeclare(who, p));
}

/**
 * What the coordination office declares when it reads the departments' recipient lists to work
 * out a figure (its own reads, whoever asked for the figure): statistics.
 */
export const STATISTICS_PURPOSE = 'STATISTICS';
