import { detailsField } from '@saf/department';

export const JusticeAward = {
  department: () => 'JUSTICE',
  legalAid: detailsField('JUSTICE', ['LEGAL_AID']),
};
