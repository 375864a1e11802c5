import { awardById, statisticsFields } from '@saf/department';

const statistics = statisticsFields('LABOUR');

export const Query = {
  labourAward: awardById('LABOUR'),
  labourStatistics: statistics.aggregates,
  _internalLabourRecipients: statistics.recipients,
  _internalLabourDataVersion: statistics.version,
};
