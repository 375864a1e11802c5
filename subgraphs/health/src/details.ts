import { z } from 'zod';
import { detailsChecker } from '@saf/department';

const medicalAssistance = z.object({ hospital: z.string().max(200), totalCostFen: z.number().int().min(0), insuranceReimbursedFen: z.number().int().min(0), selfPaidFen: z.number().int().min(0) }).partial();
const premiumSubsidy = z.object({ scheme: z.string().max(200), year: z.number().int().min(1990).max(2100) }).partial();

/** The `details` each 卫健/医保 programme may carry (unlisted keys are kept but not typed). */
export const detailsSchemas = {
  MEDICAL_ASSISTANCE_INPATIENT: medicalAssistance,
  MEDICAL_ASSISTANCE_OUTPATIENT: medicalAssistance,
  INSURANCE_PREMIUM_SUBSIDY: premiumSubsidy,
};

export const checkDetails = detailsChecker(detailsSchemas);
