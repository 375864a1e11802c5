import { awardById, statisticsFields } from '@saf/department';

const statistics = statisticsFields('HOUSING');

export const Query = {
  housingAward: awardById('HOUSING'),
  housingStatistics: statistics.aggregates,
  _internalHousingRecipients: statistics.recipients,
  _internalHousingDataVersion: statistics.version,
};
