import { z } from 'zod';
import { detailsChecker } from '@saf/department';

const legalAid = z.object({ caseType: z.enum(['CIVIL','CRIMINAL','ADMINISTRATIVE','NON_LITIGATION']), stage: z.enum(['APPLIED','ACCEPTED','ASSIGNED','IN_PROGRESS','CLOSED']), lawFirm: z.string().max(200) }).partial();

/** The `details` each 司法 programme may carry (unlisted keys are kept but not typed). */
export const detailsSchemas = {
  LEGAL_AID: legalAid,
};

export const checkDetails = detailsChecker(detailsSchemas);
