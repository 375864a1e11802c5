import { detailsOf, type AwardRow } from '@saf/department';

export const HealthAward = {
  department: () => 'HEALTH',
  medicalAssistance: (a: AwardRow) => detailsOf(a, ['MEDICAL_ASSISTANCE_INPATIENT', 'MEDICAL_ASSISTANCE_OUTPATIENT']),
  premiumSubsidy: (a: AwardRow) => detailsOf(a, ['INSURANCE_PREMIUM_SUBSIDY']),
};
