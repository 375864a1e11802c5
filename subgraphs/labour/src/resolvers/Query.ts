import { awardById } from '@saf/department';

export const Query = {
  labourAward: awardById,
};
