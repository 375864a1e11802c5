import { findPurpose, purposesFor, type Purpose } from '@saf/auth/purposes';
import type { Lang } from './format.ts';
import type { Claims } from './session.ts';

// The purposes list the gateway checks against (packages/auth/purposes.json), bundled: the page
// offers a caller only what their role may declare, which is all the gateway accepts.

export type { Purpose };

/** The purposes the caller may declare, in the list's order (officers: their department's). */
export function purposesOf(claims: Pick<Claims, 'role' | 'department'>): Purpose[] {
  return purposesFor(claims);
}

/** Whether `code` is one of the caller's purposes. */
export function mayDeclare(claims: Pick<Claims, 'role' | 'department'>, code: string): boolean {
  return purposesOf(claims).some((p) => p.code === code);
}

/** A purpose (its code, or its Chinese label as the access log keeps it) in words; other text as it is. */
export function purposeLabel(codeOrLabel: string, lang: Lang): string {
  const purpose = findPurpose(codeOrLabel);
  if (!purpose) return codeOrLabel;
  return lang === 'zh' ? purpose.zh : `${purpose.en} (${purpose.zh})`;
}
