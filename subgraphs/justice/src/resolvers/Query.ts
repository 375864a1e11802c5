import { awardById, statisticsFields } from '@saf/department';

const statistics = statisticsFields('JUSTICE');

export const Query = {
  justiceAward: awardById('JUSTICE'),
  justiceStatistics: statistics.aggregates,
  _internalJusticeRecipients: statistics.recipients,
  _internalJusticeDataVersion: statistics.version,
};
