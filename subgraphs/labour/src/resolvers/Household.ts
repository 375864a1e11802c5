import { householdAwards } from '@saf/department';

export const Household = {
  __resolveReference: (ref: { id: string }) => ref,
  labourAwards: householdAwards,
};
