import { awardById } from '@saf/department';

export const Query = {
  housingAward: awardById,
};
