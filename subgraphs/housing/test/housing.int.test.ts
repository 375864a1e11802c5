import { departmentSuite } from '@saf/testing';
import { createServer } from '../src/server.ts';

departmentSuite({
  name: 'housing',
  department: 'HOUSING',
  awardsField: 'housingAwards',
  programme: 'LOW_RENT_HOUSING',
  details: { unit: '阳光小区 3-2-201', floorAreaSqm: 48.5, monthlyRentFen: 12000 },
  badDetails: { floorAreaSqm: -3 },
  foreignProgramme: { department: 'EDUCATION', programme: 'SCHOLARSHIP' },
  create: createServer,
  dir: new URL('../', import.meta.url),
});
