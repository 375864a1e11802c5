import { detailsField } from '@saf/department';

export const EducationAward = {
  department: () => 'EDUCATION',
  schooling: detailsField('EDUCATION', ['TWO_EXEMPTIONS_ONE_SUBSIDY', 'STUDENT_GRANT', 'STUDENT_LOAN', 'TUITION_WAIVER', 'SCHOLARSHIP']),
  studentLoan: detailsField('EDUCATION', ['STUDENT_LOAN']),
};
