import { detailsOf, type AwardRow } from '@saf/department';

export const LabourAward = {
  department: () => 'LABOUR',
  unemploymentInsurance: (a: AwardRow) => detailsOf(a, ['UNEMPLOYMENT_INSURANCE']),
  publicWelfareJob: (a: AwardRow) => detailsOf(a, ['PUBLIC_WELFARE_JOB']),
  reemploymentSupport: (a: AwardRow) => detailsOf(a, ['REEMPLOYMENT_SUPPORT']),
  training: (a: AwardRow) => detailsOf(a, ['TRAINING_SUBSIDY']),
  jobPlacement: (a: AwardRow) => detailsOf(a, ['JOB_PLACEMENT_SUBSIDY']),
};
