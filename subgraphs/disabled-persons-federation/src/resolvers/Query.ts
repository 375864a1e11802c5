import { assertCoordinationOffice, awardById, statisticsDate, statisticsFields } from '@saf/department';
import { badInput } from '@saf/service';
import type { Context } from '../loaders.ts';

const statistics = statisticsFields('DISABLED_PERSONS_FEDERATION');

export const Query = {
  disabilityAward: awardById('DISABLED_PERSONS_FEDERATION'),
  disabilityStatistics: statistics.aggregates,
  _internalDisabilityRecipients: statistics.recipients,
  _internalDisabilityDataVersion: statistics.version,
  _internalCertificateHolders: (_: unknown, args: { date?: string | null; maxGrade?: number | null; personIds?: string[] | null }, ctx: Context) => {
    assertCoordinationOffice(ctx.caller);
    if (args.personIds && args.personIds.length > 5000) throw badInput('at most 5000 personIds at once', 'personIds');
    if (args.maxGrade !== null && args.maxGrade !== undefined && (args.maxGrade < 1 || args.maxGrade > 4)) throw badInput('maxGrade must be 1 to 4', 'maxGrade');
    return ctx.loaders.certificateHolders({ date: statisticsDate(args.date), maxGrade: args.maxGrade, personIds: args.personIds });
  },
};
