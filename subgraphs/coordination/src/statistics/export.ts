import { programme as programmeInfo } from '@saf/programmes';
import type { Context } from '../context.ts';
import { toCsv } from './csv.ts';
import { programmeOverlap } from './overlap.ts';
import { programmeStatistics } from './programmes.ts';
import type { StatisticsScope } from './publication.ts';
import { requireAll } from './sources.ts';
import { centralizedSupportView, coverageGapsView, disasterReliefView } from './views.ts';

/** The statistics that export as CSV (`StatisticKind` in schema.graphql). */
export type StatisticKind = 'ASSISTANCE_STATISTICS' | 'PROGRAMME_OVERLAP' | 'PROGRAMME_COUNT_DISTRIBUTION' | 'CENTRALIZED_SUPPORT' | 'DISASTER_RELIEF' | 'COVERAGE_GAPS';

const nameZh = (code: string) => programmeInfo(code)?.nameZh ?? code;

/**
 * A statistic as CSV: the same computation, the same kept figures and the same suppression as its
 * GraphQL field for the same caller (so a CSV and an answer never differ in a cell), the columns
 * named as its fields, a withheld figure an empty cell. Household numbers are never exported.
 * An export is all or nothing: when a department did not answer it fails, naming it, rather
 * than give a spreadsheet that silently lacks its programmes.
 */
export async function statisticsCsv(ctx: Context, kind: StatisticKind, s: StatisticsScope): Promise<string> {
  switch (kind) {
    case 'ASSISTANCE_STATISTICS': {
      const { rows, missing } = await programmeStatistics(ctx, s);
      requireAll(missing);
      return toCsv(
        ['programme', 'programmeNameZh', 'department', 'regionCode', 'beneficiaries', 'households', 'amountFen'],
        rows.map((r) => [r.programme, r.programmeNameZh, r.department, r.regionCode, r.beneficiaries, r.households, r.amountFen]),
      );
    }
    case 'PROGRAMME_OVERLAP': {
      const o = await programmeOverlap(ctx, s);
      requireAll(o.missingDepartments);
      return toCsv(
        ['programme', 'programmeNameZh', 'otherProgramme', 'otherProgrammeNameZh', 'households'],
        o.pairs.map((p) => [p.programme, nameZh(p.programme), p.otherProgramme, nameZh(p.otherProgramme), p.households]),
      );
    }
    case 'PROGRAMME_COUNT_DISTRIBUTION': {
      const o = await programmeOverlap(ctx, s);
      requireAll(o.missingDepartments);
      const distribution = o.distribution as Exclude<typeof o.distribution, Error>;
      return toCsv(['programmes', 'orMore', 'households'], [...distribution.map((b) => [b.programmes, b.orMore, b.households]), ['total', null, o.households as number | null]]);
    }
    case 'CENTRALIZED_SUPPORT': {
      const c = await centralizedSupportView(ctx, s);
      return toCsv(['regionCode', 'centralized', 'dispersed', 'total', 'rate', 'met', 'goal'], [...c.counties, c.region].map((r) => [r.regionCode, r.centralized, r.dispersed, r.total, r.rate, r.met, c.goal]));
    }
    case 'DISASTER_RELIEF': {
      const d = await disasterReliefView(ctx, s);
      return toCsv(
        ['regionCode', 'from', 'to', 'cases', 'within24Hours', 'late', 'unrecorded', 'shareWithin24Hours'],
        [...d.counties, d.region].map((r) => [r.regionCode, d.from, d.to, r.cases, r.within24Hours, r.late, r.unrecorded, r.shareWithin24Hours]),
      );
    }
    case 'COVERAGE_GAPS': {
      const gaps = await coverageGapsView(ctx, s);
      const failed = gaps.find((g): g is Error => g instanceof Error);
      if (failed) throw failed;
      return toCsv(
        ['kind', 'description', 'regionCode', 'persons', 'households'],
        gaps.flatMap((g) => (g instanceof Error ? [] : [...g.counties, g.region].map((r) => [g.kind, g.description, r.regionCode, r.persons, r.households]))),
      );
    }
  }
}
