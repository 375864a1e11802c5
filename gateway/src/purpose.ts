import { findPurpose, mayDeclare, purposesFor, type Caller, type Purpose } from '@saf/auth';
import { HttpError } from '@saf/service';

/** What the caller may declare, for error messages and `extensions.allowed`. */
export function allowedPurposes(caller: Caller): { code: string; zh: string; en: string }[] {
  return purposesFor(caller).map(({ code, zh, en }) => ({ code, zh, en }));
}

function who(caller: Caller): string {
  const role = `${/^[AEIOU]/.test(caller.role) ? 'an' : 'a'} ${caller.role}`;
  return caller.role === 'DEPARTMENT_OFFICER' && caller.department ? `${role} of ${caller.department}` : role;
}

/** 400 `PURPOSE_NOT_ALLOWED`: the purpose is not on the list, or not one this caller's role may declare; lists those it may. */
export function purposeNotAllowed(caller: Caller, text: string, known: Purpose | undefined): HttpError {
  const allowed = allowedPurposes(caller);
  const listZh = allowed.map((p) => `${p.zh}（${p.code}）`).join('、');
  const listEn = allowed.map((p) => `${p.code} (${p.zh}, ${p.en})`).join('; ');
  const message = known
    ? `用途「${known.zh}」不是本角色（${caller.role}）可声明的用途；可声明：${listZh}。 The purpose ${known.code} (${known.zh}) is not one ${who(caller)} may declare; declare one of: ${listEn}.`
    : `用途「${text}」不在用途清单中；本角色（${caller.role}）可声明：${listZh}。 "${text}" is not a purpose on the list; ${who(caller)} may declare: ${listEn}. Send the code, or the Chinese label percent-encoded.`;
  return new HttpError(400, message, { errors: [{ message, extensions: { code: 'PURPOSE_NOT_ALLOWED', field: 'x-purpose', allowed } }] });
}

/**
 * The purpose `text` names (its code or Chinese label, packages/auth/purposes.json), when the
 * caller may declare it; null when none was declared (person-level reads then get
 * `PURPOSE_REQUIRED`, audit.ts). Anything else is refused before the request runs, whatever it
 * reads: a purpose is a statement that goes into the access log, and one that is not on the list
 * for the caller's role is a mistake to correct, not a remark to keep.
 */
export function acceptPurpose(caller: Caller, text: string | null, internal = false): Purpose | null {
  if (text === null) return null;
  const purpose = findPurpose(text);
  // An internal request (signed by our own service) may carry the purpose of the person it acts
  // for rather than one of its own role's: the coordination office assembling the economic check
  // at an approval reads as itself, for the approving officer's purpose (casework/assessment.ts).
  if (purpose && internal) return purpose;
  if (!purpose || !mayDeclare(caller, purpose)) throw purposeNotAllowed(caller, text, purpose);
  return purpose;
}
