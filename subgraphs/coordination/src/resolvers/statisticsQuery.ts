import { statisticsDate, statisticsRegion } from '@saf/department';
import type { Context } from '../context.ts';
import { assertMayReadStatistics } from '../statistics/access.ts';
import { statisticsCsv, type StatisticKind } from '../statistics/export.ts';
import { programmeOverlap } from '../statistics/overlap.ts';
import { assistanceStatistics } from '../statistics/programmes.ts';

interface StatisticsArgs {
  regionCode: string;
  date?: string | null;
}

/** The leading group's statistics root fields (part of Query; see statistics/ for the work). */
export const statisticsQuery = {
  assistanceStatistics: (_: unknown, args: StatisticsArgs, ctx: Context) => assistanceStatistics(ctx, statisticsRegion(args.regionCode), statisticsDate(args.date)),
  programmeOverlap: (_: unknown, args: StatisticsArgs, ctx: Context) => programmeOverlap(ctx, statisticsRegion(args.regionCode), statisticsDate(args.date)),
  assistanceTargets: (_: unknown, args: StatisticsArgs, ctx: Context) => {
    const prefix = statisticsRegion(args.regionCode);
    const date = statisticsDate(args.date);
    return { regionCode: prefix, date, scope: { prefix, date, caller: assertMayReadStatistics(ctx, prefix) } };
  },
  statisticsCsv: (_: unknown, args: StatisticsArgs & { statistic: StatisticKind }, ctx: Context) => statisticsCsv(ctx, args.statistic, statisticsRegion(args.regionCode), statisticsDate(args.date)),
  assistanceStatisticsCsv: (_: unknown, args: StatisticsArgs, ctx: Context) => statisticsCsv(ctx, 'ASSISTANCE_STATISTICS', statisticsRegion(args.regionCode), statisticsDate(args.date)),
};
