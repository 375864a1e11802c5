import { z } from 'zod';
import { detailsChecker } from '@saf/department';

const schooling = z.object({ school: z.string().max(200), stage: z.enum(['PRESCHOOL','PRIMARY','JUNIOR_SECONDARY','SENIOR_SECONDARY','VOCATIONAL','HIGHER']), schoolYear: z.string().regex(/^\d{4}-\d{4}$/), grade: z.number().int().min(1).max(12) }).partial();
const studentLoan = z.object({ bank: z.string().max(200), principalFen: z.number().int().min(0) }).partial();

/** The `details` each 教育 programme may carry (unlisted keys are kept but not typed). */
export const detailsSchemas = {
  TWO_EXEMPTIONS_ONE_SUBSIDY: schooling,
  STUDENT_GRANT: schooling,
  STUDENT_LOAN: schooling.extend(studentLoan.shape),
  TUITION_WAIVER: schooling,
  SCHOLARSHIP: schooling,
};

export const checkDetails = detailsChecker(detailsSchemas);
