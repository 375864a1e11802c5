import { detailsField } from '@saf/department';

export const DisabilityAward = {
  department: () => 'DISABLED_PERSONS_FEDERATION',
  subsidy: detailsField('DISABLED_PERSONS_FEDERATION', ['DISABILITY_LIVING_SUBSIDY', 'SEVERE_DISABILITY_NURSING_SUBSIDY']),
  rehabilitation: detailsField('DISABLED_PERSONS_FEDERATION', ['REHABILITATION_AID']),
};
