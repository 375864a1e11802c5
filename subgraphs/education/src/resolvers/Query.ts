import { awardById, statisticsFields } from '@saf/department';

const statistics = statisticsFields('EDUCATION');

export const Query = {
  educationAward: awardById('EDUCATION'),
  educationStatistics: statistics.aggregates,
  _internalEducationRecipients: statistics.recipients,
  _internalEducationDataVersion: statistics.version,
};
