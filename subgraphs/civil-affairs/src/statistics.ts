import { assertCoordinationOffice, statisticsDate, statisticsFields, statisticsRegion } from '@saf/department';
import { assertRegionWithin, badInput, forbidden } from '@saf/service';
import { assistedMembers, disasterReliefCases, locatePersons } from './db/statistics.ts';
import type { Context } from './loaders.ts';

/**
 * Civil affairs' statistics fields: the shared aggregate and recipient fields every department
 * has, and the internal, person-level lookups only civil affairs can answer (where persons live,
 * who lives in an assisted household, disaster relief times). Internal fields are for the
 * coordination office alone, which turns them into counts.
 */
const shared = statisticsFields('CIVIL_AFFAIRS');

const MAX_PERSON_IDS = 5000;
/** Members one page of `_internalAssistedMembers` holds at most (a province's in one answer would pass the gateway's deadline). */
const MAX_MEMBERS_PAGE = 10_000;

function age(value: number | null | undefined, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 0 || value > 150) throw badInput(`${field} must be a whole number of years, 0 to 150`, field);
  return value;
}

export const statisticsQuery = {
  civilAffairsStatistics: shared.aggregates,
  _internalCivilAffairsRecipients: shared.recipients,
  _internalCivilAffairsDataVersion: shared.version,

  _internalLocatePersons: (_: unknown, args: { personIds: string[]; regionCode?: string | null; date?: string | null }, ctx: Context) => {
    const caller = assertCoordinationOffice(ctx.caller);
    if (args.personIds.length > MAX_PERSON_IDS) throw badInput(`at most ${MAX_PERSON_IDS} personIds at once`, 'personIds');
    const prefix = args.regionCode ? statisticsRegion(args.regionCode) : null;
    if (prefix) assertRegionWithin(caller, prefix);
    else if (caller.region) throw forbidden('a caller with a jurisdiction must name a region');
    return locatePersons(ctx.db, args.personIds, prefix, statisticsDate(args.date));
  },

  _internalAssistedMembers: (
    _: unknown,
    args: { regionCode: string; date?: string | null; householdProgrammes: string[]; personProgrammes?: string[] | null; minAge?: number | null; maxAge?: number | null; first?: number | null; after?: string | null },
    ctx: Context,
  ) => {
    const caller = assertCoordinationOffice(ctx.caller);
    const prefix = statisticsRegion(args.regionCode);
    assertRegionWithin(caller, prefix);
    if (args.first !== null && args.first !== undefined && (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_MEMBERS_PAGE)) throw badInput(`first must be 1 to ${MAX_MEMBERS_PAGE}`, 'first');
    return assistedMembers(ctx.db, {
      prefix,
      date: statisticsDate(args.date),
      householdProgrammes: args.householdProgrammes,
      personProgrammes: args.personProgrammes ?? null,
      minAge: age(args.minAge, 'minAge'),
      maxAge: age(args.maxAge, 'maxAge'),
      first: args.first ?? null,
      after: args.after ?? null,
    });
  },

  _internalDisasterReliefCases: (_: unknown, args: { regionCode: string; from: string; to: string }, ctx: Context) => {
    const caller = assertCoordinationOffice(ctx.caller);
    const prefix = statisticsRegion(args.regionCode);
    assertRegionWithin(caller, prefix);
    const from = statisticsDate(args.from);
    const to = statisticsDate(args.to);
    if (to < from) throw badInput('to must not be before from', 'to');
    return disasterReliefCases(ctx.db, prefix, from, to);
  },
};
