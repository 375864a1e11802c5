import { departmentSuite } from '@saf/testing';
import { createServer } from '../src/server.ts';

departmentSuite({
  name: 'justice',
  department: 'JUSTICE',
  awardsField: 'justiceAwards',
  programme: 'LEGAL_AID',
  details: { caseType: 'CIVIL', stage: 'ASSIGNED' },
  badDetails: { caseType: 'MARITIME' },
  foreignProgramme: { department: 'HOUSING', programme: 'RENTAL_SUBSIDY' },
  create: createServer,
  dir: new URL('../', import.meta.url),
});
