import { detailsOf, type AwardRow } from '@saf/department';

export const DisabilityAward = {
  department: () => 'DISABLED_PERSONS_FEDERATION',
  subsidy: (a: AwardRow) => detailsOf(a, ['DISABILITY_LIVING_SUBSIDY', 'SEVERE_DISABILITY_NURSING_SUBSIDY']),
  rehabilitation: (a: AwardRow) => detailsOf(a, ['REHABILITATION_AID']),
};
