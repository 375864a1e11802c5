import { awardById } from '@saf/department';

export const Query = {
  healthAward: awardById,
};
