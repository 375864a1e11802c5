import { badInput } from '@saf/service';

/**
 * A row's place in a keyset-paginated list: a time (the database's text) and the row's id, and
 * for findings the order the list runs in. Used by findings (first seen) and sweeps (asked for).
 */
export interface KeysetCursor {
  at: string;
  id: string;
}

/** The order of a findings list (FindingOrder in the schema). */
export type FindingOrder = 'NEWEST_FIRST' | 'OLDEST_FIRST';

/** Kept as it was for newest first (the default); an oldest-first cursor is marked, so the two cannot be mixed up. */
const OLDEST_MARK = 'oldest|';
const CURSOR = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-]\d{2}(?::\d{2}){0,2}\|([^|]+)$/;

export function encodeCursor(at: string, id: string, order: FindingOrder = 'NEWEST_FIRST'): string {
  return Buffer.from(`${order === 'OLDEST_FIRST' ? OLDEST_MARK : ''}${at}|${id}`).toString('base64url');
}

/**
 * A cursor this list gave, in the order asked for, or BAD_USER_INPUT naming `after`: what reaches
 * the database is a real time and an id, never a half-read string (a 500 before), and a cursor of
 * one order never silently skips or repeats rows in the other.
 */
export function decodeCursor(after: string, order: FindingOrder = 'NEWEST_FIRST'): KeysetCursor {
  const decoded = Buffer.from(after, 'base64url').toString('utf8');
  // Only the cursor's own encoding: base64url decoding skips what it cannot read.
  const own = Buffer.from(decoded).toString('base64url') === after;
  const oldest = decoded.startsWith(OLDEST_MARK);
  const text = oldest ? decoded.slice(OLDEST_MARK.length) : decoded;
  const m = own ? CURSOR.exec(text) : null;
  if (!m || !realTime(m.slice(1, 7).map(Number))) throw badInput('after is not a cursor from this list', 'after');
  if (oldest !== (order === 'OLDEST_FIRST')) throw badInput(`after is a cursor of the ${oldest ? 'OLDEST_FIRST' : 'NEWEST_FIRST'} order, not of ${order}`, 'after');
  return { at: text.slice(0, text.lastIndexOf('|')), id: m[7]! };
}

/** 2025-02-30 fits the pattern and the database would refuse it. */
function realTime([y, mo, d, h, mi, s]: number[]): boolean {
  const day = new Date(Date.UTC(y!, mo! - 1, d!));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo! - 1 && day.getUTCDate() === d && h! <= 23 && mi! <= 59 && s! <= 59;
}
