import { detailsOf, type AwardRow } from '@saf/department';

export const JusticeAward = {
  department: () => 'JUSTICE',
  legalAid: (a: AwardRow) => detailsOf(a, ['LEGAL_AID']),
};
