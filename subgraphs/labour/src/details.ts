import { z } from 'zod';
import { detailsChecker } from '@saf/department';

const unemploymentInsurance = z.object({ months: z.number().int().min(0), contributionYears: z.number().int().min(0), previousEmployer: z.string().max(200) }).partial();
const publicWelfareJob = z.object({ position: z.string().max(200), employer: z.string().max(200) }).partial();
const reemploymentSupport = z.object({ certificateNumber: z.string().max(200) }).partial();
const training = z.object({ course: z.string().max(200), provider: z.string().max(200), hours: z.number().int().min(0) }).partial();
const jobPlacement = z.object({ agency: z.string().max(200) }).partial();

/** The `details` each 人社 programme may carry (unlisted keys are kept but not typed). */
export const detailsSchemas = {
  UNEMPLOYMENT_INSURANCE: unemploymentInsurance,
  PUBLIC_WELFARE_JOB: publicWelfareJob,
  REEMPLOYMENT_SUPPORT: reemploymentSupport,
  TRAINING_SUBSIDY: training,
  JOB_PLACEMENT_SUBSIDY: jobPlacement,
};

export const checkDetails = detailsChecker(detailsSchemas);
