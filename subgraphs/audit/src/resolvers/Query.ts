import { badInput, forbidden } from '@saf/service';
import type { Context } from '../context.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { countNaming, entriesNaming } from '../db/accessLog.ts';

interface AccessLogArgs {
  personId: string;
  first?: number | null;
  after?: string | null;
}

export const Query = {
  accessLog: async (_: unknown, args: AccessLogArgs, ctx: Context) => {
    if (ctx.caller?.role !== 'AUDITOR') throw forbidden('only an AUDITOR may read the access log');
    const first = args.first ?? 20;
    if (first < 1 || first > 500) throw badInput('first must be 1 to 500', 'first');
    if (!args.personId) throw badInput('personId must not be empty', 'personId');
    const before = args.after ? decodeCursor(args.after) : null;
    const [rows, totalCount] = await Promise.all([entriesNaming(ctx.db, args.personId, first + 1, before), countNaming(ctx.db, args.personId)]);
    const nodes = rows.slice(0, first);
    return {
      edges: nodes.map((node) => ({ node, cursor: encodeCursor(node.seq) })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: nodes.length ? encodeCursor(nodes.at(-1)!.seq) : null },
      totalCount,
    };
  },
};
