import { awardById } from '@saf/department';

export const Query = {
  educationAward: awardById,
};
