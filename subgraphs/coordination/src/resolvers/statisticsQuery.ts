import type { Context } from '../context.ts';
import { statisticsCsv, type StatisticKind } from '../statistics/export.ts';
import { programmeOverlap } from '../statistics/overlap.ts';
import { fundsStatistics, fundsStatisticsCsv, fundsWithoutAward } from '../statistics/funds.ts';
import { assistanceStatistics } from '../statistics/programmes.ts';
import { statisticsScope } from '../statistics/publication.ts';

interface StatisticsArgs {
  regionCode: string;
  date?: string | null;
}

/**
 * The leading group's statistics root fields (part of Query; see statistics/ for the work). Each
 * checks the region, the date and the caller first (`statisticsScope`): what they may ask and
 * whether they get exact or published figures.
 */
export const statisticsQuery = {
  assistanceStatistics: (_: unknown, args: StatisticsArgs, ctx: Context) => assistanceStatistics(ctx, statisticsScope(ctx, args.regionCode, args.date)),
  programmeOverlap: (_: unknown, args: StatisticsArgs, ctx: Context) => programmeOverlap(ctx, statisticsScope(ctx, args.regionCode, args.date)),
  assistanceTargets: (_: unknown, args: StatisticsArgs, ctx: Context) => {
    const scope = statisticsScope(ctx, args.regionCode, args.date);
    return { regionCode: scope.prefix, date: scope.date, scope };
  },
  statisticsCsv: (_: unknown, args: StatisticsArgs & { statistic: StatisticKind }, ctx: Context) => statisticsCsv(ctx, args.statistic, statisticsScope(ctx, args.regionCode, args.date)),
  assistanceStatisticsCsv: (_: unknown, args: StatisticsArgs, ctx: Context) => statisticsCsv(ctx, 'ASSISTANCE_STATISTICS', statisticsScope(ctx, args.regionCode, args.date)),
  fundsStatistics: (_: unknown, args: { regionCode: string; period: string }, ctx: Context) => fundsStatistics(ctx, args.regionCode, args.period),
  fundsWithoutAward: (_: unknown, args: { regionCode: string; period: string }, ctx: Context) => fundsWithoutAward(ctx, args.regionCode, args.period),
  fundsStatisticsCsv: (_: unknown, args: { regionCode: string; period: string }, ctx: Context) => fundsStatisticsCsv(ctx, args.regionCode, args.period),
};
