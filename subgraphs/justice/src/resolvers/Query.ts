import { awardById } from '@saf/department';

export const Query = {
  justiceAward: awardById,
};
