import { detailsField } from '@saf/department';

export const HealthAward = {
  department: () => 'HEALTH',
  medicalAssistance: detailsField('HEALTH', ['MEDICAL_ASSISTANCE_INPATIENT', 'MEDICAL_ASSISTANCE_OUTPATIENT']),
  premiumSubsidy: detailsField('HEALTH', ['INSURANCE_PREMIUM_SUBSIDY']),
};
