import { badInput } from '@saf/service';

/** A finding's place in a newest-first page: when it was first seen (the database's text) and its id. */
export interface FindingCursor {
  at: string;
  id: string;
}

const CURSOR = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-]\d{2}(?::\d{2}){0,2}\|([^|]+)$/;

export function encodeCursor(firstSeenAt: string, id: string): string {
  return Buffer.from(`${firstSeenAt}|${id}`).toString('base64url');
}

/**
 * A cursor this list gave, or BAD_USER_INPUT naming `after`: what reaches the database is a real
 * time and an id, never a half-read string (a 500 before).
 */
export function decodeCursor(after: string): FindingCursor {
  const text = Buffer.from(after, 'base64url').toString('utf8');
  // Only the cursor's own encoding: base64url decoding skips what it cannot read.
  const m = Buffer.from(text).toString('base64url') === after ? CURSOR.exec(text) : null;
  if (!m || !realTime(m.slice(1, 7).map(Number))) throw badInput('after is not a cursor from this list', 'after');
  return { at: text.slice(0, text.lastIndexOf('|')), id: m[7]! };
}

/** 2025-02-30 fits the pattern and the database would refuse it. */
function realTime([y, mo, d, h, mi, s]: number[]): boolean {
  const day = new Date(Date.UTC(y!, mo! - 1, d!));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo! - 1 && day.getUTCDate() === d && h! <= 23 && mi! <= 59 && s! <= 59;
}
