import type { Caller } from '@saf/auth';
import type { Department } from '@saf/programmes';
import { assertRegionWithin, assertRole, badInput, forbidden } from '@saf/service';
import type { DepartmentContext } from './server.ts';
import { statisticsDate, statisticsRegion, type ProgrammeAggregate, type ProgrammeRecipient } from './statistics.ts';

/** The most persons one recipients request may name (the coordination office sends chunks). */
export const MAX_RECIPIENT_PERSON_IDS = 5000;

/**
 * Raw figures are not suppressed: the department's own officers and the coordination office read
 * them (the office suppresses small cells before anyone else sees a figure); analysts read
 * `assistanceStatistics`.
 */
export function assertMayReadRawStatistics(caller: Caller | null, department: Department, prefix: string): Caller {
  const c = assertRole(caller, 'COORDINATOR', 'DEPARTMENT_OFFICER');
  if (c.role === 'DEPARTMENT_OFFICER' && c.department !== department) throw forbidden(`raw ${department} figures are for ${department} and the coordination office`);
  assertRegionWithin(c, prefix);
  return c;
}

/**
 * Internal, person-level lists (who receives what) are for the coordination office alone, which
 * turns them into counts and keeps no copy.
 */
export function assertCoordinationOffice(caller: Caller | null): Caller {
  return assertRole(caller, 'COORDINATOR');
}

interface RecipientArgs {
  regionCode?: string | null;
  personIds?: string[] | null;
  programmes?: string[] | null;
  date?: string | null;
}

/**
 * The resolvers behind each department's statistics root fields (`labourStatistics`,
 * `_internalLabourRecipients`, …): one implementation, a department-specific name in each schema,
 * because root fields of different subgraphs must not share a name.
 */
export function statisticsFields(department: Department) {
  return {
    /** Figures per programme and county under a prefix on a date: aggregate only, unsuppressed. */
    aggregates: (_: unknown, args: { regionCode: string; date?: string | null }, ctx: DepartmentContext): Promise<ProgrammeAggregate[]> => {
      const prefix = statisticsRegion(args.regionCode);
      assertMayReadRawStatistics(ctx.caller, department, prefix);
      return ctx.loaders.awards.aggregates.statistics(prefix, statisticsDate(args.date));
    },
    /** The department's data version (see `dataVersion`): the coordination office's statistics are kept per version. */
    version: (_: unknown, __: unknown, ctx: DepartmentContext): Promise<string> => {
      assertCoordinationOffice(ctx.caller);
      return ctx.loaders.awards.aggregates.version();
    },
    /** Who receives which programme on a date, by the award's region prefix, by persons, or both. */
    recipients: (_: unknown, args: RecipientArgs, ctx: DepartmentContext): Promise<ProgrammeRecipient[]> => {
      const caller = assertCoordinationOffice(ctx.caller);
      if (!args.regionCode && !args.personIds) throw badInput('give regionCode, personIds or both', 'regionCode');
      if (args.personIds && args.personIds.length > MAX_RECIPIENT_PERSON_IDS) throw badInput(`at most ${MAX_RECIPIENT_PERSON_IDS} personIds at once`, 'personIds');
      const prefix = args.regionCode ? statisticsRegion(args.regionCode) : null;
      if (prefix) assertRegionWithin(caller, prefix);
      else if (caller.region) throw forbidden('a caller with a jurisdiction must name a region');
      return ctx.loaders.awards.aggregates.recipients({ prefix, personIds: args.personIds ?? null, programmes: args.programmes ?? null, date: statisticsDate(args.date) });
    },
  };
}
