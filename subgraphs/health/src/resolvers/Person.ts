import { personAwards } from '@saf/department';

/** Any resident ID is a valid reference here: a person without records has an empty list. */
export const Person = {
  __resolveReference: (ref: { id: string }) => ref,
  healthAwards: personAwards,
};
