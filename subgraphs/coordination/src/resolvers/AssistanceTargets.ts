import type { Context } from '../context.ts';
import { centralizedSupportView, coverageGapsView, disasterReliefView, type TargetsScope } from '../statistics/views.ts';

/** Each target is computed only when selected, and fails alone when its department does not answer. */
export const AssistanceTargets = {
  centralizedSupport: (t: { scope: TargetsScope }, _: unknown, ctx: Context) => centralizedSupportView(ctx, t.scope),
  disasterRelief: (t: { scope: TargetsScope }, args: { from?: string | null; to?: string | null }, ctx: Context) => disasterReliefView(ctx, t.scope, args.from, args.to),
  coverageGaps: (t: { scope: TargetsScope }, _: unknown, ctx: Context) => coverageGapsView(ctx, t.scope),
};
