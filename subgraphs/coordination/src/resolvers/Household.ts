import { gatherAwards, type HouseholdRepresentation } from '../requires.ts';

export const Household = {
  __resolveReference: (ref: HouseholdRepresentation) => ref,
  awards: (h: HouseholdRepresentation) => gatherAwards([h, ...(h.members ?? [])]),
};
