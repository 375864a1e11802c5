import { assertPersonLevel, assertRegionWithin, assertRole, badInput } from '@saf/service';
import type { Context } from '../context.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { listApplications } from '../db/applications.ts';
import { advanceApplication, readableApplication, submitApplication, type ApplicationInput } from '../casework/applications.ts';
import type { Action } from '../casework/stages.ts';
import { isRegionPrefix } from '@saf/identity';
import { publicNotice, publicNoticeHtml } from '../casework/notice.ts';
import { listTasks, type ReviewTaskRow } from '../db/reviewTasks.ts';
import { closeReviewTask, historyOf } from '../casework/reviewTasks.ts';

function prefixOf(regionCode: string): string {
  if (!isRegionPrefix(regionCode)) throw badInput('regionCode must be a region code prefix of 2, 4, 6, 9 or 12 digits', 'regionCode');
  return regionCode;
}

/** Casework (SPEC section 10): applications, their steps and the eligibility conditions. */
export const casework = {
  ReviewTask: {
    createdAt: (t: ReviewTaskRow) => new Date(t.createdAt).toISOString(),
    closedAt: (t: ReviewTaskRow) => (t.closedAt ? new Date(t.closedAt).toISOString() : null),
    history: async (t: ReviewTaskRow, _: unknown, ctx: Context) => historyOf(t, await ctx.loaders.reviewTaskEvents.load(t.id)),
  },
  Query: {
    application: (_: unknown, { id }: { id: string }, ctx: Context) => readableApplication(ctx, id),
    applications: async (_: unknown, args: { regionCode: string; stage?: string | null; first?: number | null; after?: string | null }, ctx: Context) => {
      const caller = assertPersonLevel(ctx.caller);
      const prefix = prefixOf(args.regionCode);
      // Officers: their department's applications, under their own region when they have one.
      if (caller.role !== 'DEPARTMENT_OFFICER' || caller.region) assertRegionWithin(caller, prefix);
      const first = args.first ?? 50;
      if (first < 1 || first > 100) throw badInput('first must be 1 to 100', 'first');
      const after = args.after ? decodeCursor(args.after, 'OLDEST_FIRST') : null;
      const page = await listApplications(ctx.db, { regionPrefix: prefix, stage: args.stage, department: caller.role === 'DEPARTMENT_OFFICER' ? caller.department : null }, first, after);
      const edges = page.rows.map((node) => ({ node, cursor: encodeCursor(node.createdAt, node.id, 'OLDEST_FIRST') }));
      return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null }, totalCount: page.totalCount };
    },
    // Published, as the township posts it: any signed-in caller.
    publicNotice: (_: unknown, { regionCode }: { regionCode: string }, ctx: Context) => {
      if (!ctx.caller) throw badInput('no caller');
      return publicNotice(ctx.db, prefixOf(regionCode));
    },
    publicNoticeHtml: async (_: unknown, { regionCode }: { regionCode: string }, ctx: Context) => {
      if (!ctx.caller) throw badInput('no caller');
      return publicNoticeHtml(regionCode, await publicNotice(ctx.db, prefixOf(regionCode)));
    },
    reviewTasks: async (_: unknown, args: { regionCode: string; first?: number | null; after?: string | null }, ctx: Context) => {
      const caller = assertPersonLevel(ctx.caller);
      const prefix = prefixOf(args.regionCode);
      if (caller.role !== 'DEPARTMENT_OFFICER' || caller.region) assertRegionWithin(caller, prefix);
      const first = args.first ?? 50;
      if (first < 1 || first > 100) throw badInput('first must be 1 to 100', 'first');
      const after = args.after ? decodeCursor(args.after, 'OLDEST_FIRST') : null;
      const page = await listTasks(ctx.db, { regionPrefix: prefix, department: caller.role === 'DEPARTMENT_OFFICER' ? caller.department : null }, first, after);
      const edges = page.rows.map((row) => ({ node: row, cursor: encodeCursor(row.createdAt, row.id, 'OLDEST_FIRST') }));
      return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null }, totalCount: page.totalCount };
    },
    eligibilityRules: (_: unknown, __: unknown, ctx: Context) => {
      assertRole(ctx.caller, 'COORDINATOR', 'CASEWORKER', 'DEPARTMENT_OFFICER');
      return ctx.eligibility.current();
    },
  },
  Mutation: {
    submitApplication: (_: unknown, { input }: { input: ApplicationInput }, ctx: Context) => submitApplication(ctx, input),
    advanceApplication: (_: unknown, args: { id: string; action: Action; note: string }, ctx: Context) => advanceApplication(ctx, args.id, args.action, args.note),
    closeReviewTask: (_: unknown, args: { id: string; outcome: string; note: string }, ctx: Context) => closeReviewTask(ctx, args.id, args.outcome, args.note),
    updateEligibilityRules: (_: unknown, args: { rules: string; note: string }, ctx: Context) => ctx.eligibility.update(args.rules, args.note, assertRole(ctx.caller, 'COORDINATOR').sub),
  },
};
