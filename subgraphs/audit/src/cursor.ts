import { badInput } from '@saf/service';

/** An entry's place in a newest-first page: its seq, opaque to clients. */
export function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw badInput('after is not a cursor from this list', 'after');
  return Number(match[1]);
}
