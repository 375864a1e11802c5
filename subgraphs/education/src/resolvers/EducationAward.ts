import { detailsOf, type AwardRow } from '@saf/department';

export const EducationAward = {
  department: () => 'EDUCATION',
  schooling: (a: AwardRow) => detailsOf(a, ['TWO_EXEMPTIONS_ONE_SUBSIDY', 'STUDENT_GRANT', 'STUDENT_LOAN', 'TUITION_WAIVER', 'SCHOLARSHIP']),
  studentLoan: (a: AwardRow) => detailsOf(a, ['STUDENT_LOAN']),
};
