import { gatherAwards, type WithAwards } from '../requires.ts';

export const Person = {
  __resolveReference: (ref: WithAwards) => ref,
  awards: (p: WithAwards) => gatherAwards([p]),
};
