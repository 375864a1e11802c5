import { departmentSuite } from '@saf/testing';
import { createServer } from '../src/server.ts';

departmentSuite({
  name: 'education',
  department: 'EDUCATION',
  awardsField: 'educationAwards',
  programme: 'STUDENT_GRANT',
  details: { school: '伊宁市第八中学', stage: 'JUNIOR_SECONDARY', schoolYear: '2024-2025' },
  badDetails: { stage: 'KINDERGARTEN' },
  foreignProgramme: { department: 'HEALTH', programme: 'INSURANCE_PREMIUM_SUBSIDY' },
  create: createServer,
  dir: new URL('../', import.meta.url),
});
