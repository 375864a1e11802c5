import { awardById } from '@saf/department';

export const Query = {
  disabilityAward: awardById,
};
