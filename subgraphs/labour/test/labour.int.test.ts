import { departmentSuite } from '@saf/testing';
import { createServer } from '../src/server.ts';

departmentSuite({
  name: 'labour',
  department: 'LABOUR',
  awardsField: 'labourAwards',
  programme: 'UNEMPLOYMENT_INSURANCE',
  details: { months: 12, previousEmployer: '伊犁钢厂' },
  badDetails: { months: -1 },
  foreignProgramme: { department: 'CIVIL_AFFAIRS', programme: 'TEMPORARY_ASSISTANCE' },
  create: createServer,
  dir: new URL('../', import.meta.url),
});
