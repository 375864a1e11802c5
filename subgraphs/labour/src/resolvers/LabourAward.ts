import { detailsField } from '@saf/department';

export const LabourAward = {
  department: () => 'LABOUR',
  unemploymentInsurance: detailsField('LABOUR', ['UNEMPLOYMENT_INSURANCE']),
  publicWelfareJob: detailsField('LABOUR', ['PUBLIC_WELFARE_JOB']),
  reemploymentSupport: detailsField('LABOUR', ['REEMPLOYMENT_SUPPORT']),
  training: detailsField('LABOUR', ['TRAINING_SUBSIDY']),
  jobPlacement: detailsField('LABOUR', ['JOB_PLACEMENT_SUBSIDY']),
};
