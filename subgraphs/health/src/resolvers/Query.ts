import { awardById, statisticsFields } from '@saf/department';

const statistics = statisticsFields('HEALTH');

export const Query = {
  healthAward: awardById('HEALTH'),
  healthStatistics: statistics.aggregates,
  _internalHealthRecipients: statistics.recipients,
  _internalHealthDataVersion: statistics.version,
};
