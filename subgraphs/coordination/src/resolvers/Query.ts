import { isRegionPrefix } from '@saf/identity';
import { assertPersonLevel, badInput } from '@saf/service';
import { assertMaySweep, assertRegionWithin, assertRole, readableFinding } from '../access.ts';
import { findingFor } from '../findingView.ts';
import type { Context } from '../context.ts';
import { statisticsQuery } from './statisticsQuery.ts';
import { decodeCursor, type FindingOrder } from '../cursor.ts';
import { listFindings } from '../db/findings.ts';
import { listSweeps, sweepById } from '../db/sweeps.ts';
import { checkProposedAward, type ProposedAwardInput } from '../proposal.ts';
import { casework } from './casework.ts';

export function regionPrefix(regionCode: string): string {
  if (!isRegionPrefix(regionCode)) throw badInput('regionCode must be a region code prefix of 2, 4, 6, 9 or 12 digits', 'regionCode');
  return regionCode;
}

interface FindingsArgs {
  regionCode: string;
  status?: string | null;
  rule?: string | null;
  department?: string | null;
  includeGone?: boolean | null;
  order?: FindingOrder | null;
  first?: number | null;
  after?: string | null;
}

export const Query = {
  checkProposedAward: (_: unknown, { award }: { award: ProposedAwardInput }, ctx: Context) => checkProposedAward(ctx, award),
  duplicateAidFindings: async (_: unknown, args: FindingsArgs, ctx: Context) => {
    const caller = assertPersonLevel(ctx.caller);
    const prefix = regionPrefix(args.regionCode);
    // Officers see findings that involve their own department, wherever they are filed.
    if (caller.role !== 'DEPARTMENT_OFFICER') assertRegionWithin(caller, prefix);
    const department = caller.role === 'DEPARTMENT_OFFICER' ? caller.department : args.department;
    if (caller.role === 'DEPARTMENT_OFFICER' && args.department && args.department !== caller.department) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };
    const first = args.first ?? 50;
    if (first < 1 || first > 500) throw badInput('first must be 1 to 500', 'first');
    const order = args.order ?? 'NEWEST_FIRST';
    const page = await listFindings(ctx.db, { regionPrefix: prefix, status: args.status, rule: args.rule, department, includeGone: args.includeGone ?? false }, first, args.after ? decodeCursor(args.after, order) : null, order);
    // Each as this caller may see it (an officer's list holds their department's awards, their
    // own people: none comes out empty, and none would be left out of the count).
    const edges = page.edges.flatMap((edge) => {
      const node = findingFor(caller, edge.node, ctx.maskKey);
      return node ? [{ ...edge, node }] : [];
    });
    return { ...page, edges };
  },
  duplicateAidFinding: (_: unknown, { id }: { id: string }, ctx: Context) => readableFinding(ctx, id),
  duplicateAidSweep: async (_: unknown, { id }: { id: string }, ctx: Context) => {
    const sweep = await sweepById(ctx.db, id);
    if (sweep) assertMaySweep(ctx.caller, sweep.regionCode);
    return sweep;
  },
  duplicateAidSweeps: (_: unknown, args: { regionCode: string; first?: number | null; after?: string | null }, ctx: Context) => {
    // Who may run a sweep of a region may see its sweeps: caseworkers within their jurisdiction, coordinators.
    const caller = assertRole(ctx.caller, 'COORDINATOR', 'CASEWORKER');
    assertMaySweep(caller, regionPrefix(args.regionCode));
    const first = args.first ?? 20;
    if (first < 1 || first > 100) throw badInput('first must be 1 to 100', 'first');
    return listSweeps(ctx.db, args.regionCode, first, args.after ? decodeCursor(args.after) : null);
  },
  duplicateAidRules: (_: unknown, __: unknown, ctx: Context) => {
    if (!ctx.caller) throw badInput('no caller');
    return ctx.rules.current();
  },
  ...statisticsQuery,
  ...casework.Query,
};
