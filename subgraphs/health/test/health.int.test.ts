import { departmentSuite } from '@saf/testing';
import { createServer } from '../src/server.ts';

departmentSuite({
  name: 'health',
  department: 'HEALTH',
  awardsField: 'healthAwards',
  programme: 'MEDICAL_ASSISTANCE_INPATIENT',
  details: { hospital: '伊犁州友谊医院', totalCostFen: 500000 },
  badDetails: { totalCostFen: 'much' },
  foreignProgramme: { department: 'LABOUR', programme: 'TRAINING_SUBSIDY' },
  create: createServer,
  dir: new URL('../', import.meta.url),
});
