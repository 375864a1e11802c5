import type { Context } from '../context.ts';
import type { StatisticsScope } from '../statistics/publication.ts';
import { centralizedSupportView, coverageGapsView, disasterReliefView } from '../statistics/views.ts';

/** Each target is computed only when selected, and fails alone when its department does not answer. */
export const AssistanceTargets = {
  centralizedSupport: (t: { scope: StatisticsScope }, _: unknown, ctx: Context) => centralizedSupportView(ctx, t.scope),
  disasterRelief: (t: { scope: StatisticsScope }, args: { from?: string | null; to?: string | null }, ctx: Context) => disasterReliefView(ctx, t.scope, args.from, args.to),
  coverageGaps: (t: { scope: StatisticsScope }, _: unknown, ctx: Context) => coverageGapsView(ctx, t.scope),
};
