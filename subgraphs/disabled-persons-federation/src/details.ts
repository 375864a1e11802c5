import { z } from 'zod';
import { detailsChecker } from '@saf/department';

const subsidy = z.object({ certificateId: z.string().max(200) }).partial();
const rehabilitation = z.object({ service: z.string().max(200), provider: z.string().max(200) }).partial();

/** The `details` each 残联 programme may carry (unlisted keys are kept but not typed). */
export const detailsSchemas = {
  DISABILITY_LIVING_SUBSIDY: subsidy,
  SEVERE_DISABILITY_NURSING_SUBSIDY: subsidy,
  REHABILITATION_AID: rehabilitation,
};

export const checkDetails = detailsChecker(detailsSchemas);
