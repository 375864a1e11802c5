import { departmentSuite } from '@saf/testing';
import { createServer } from '../src/server.ts';

departmentSuite({
  name: 'disabled-persons-federation',
  department: 'DISABLED_PERSONS_FEDERATION',
  awardsField: 'disabilityAwards',
  programme: 'REHABILITATION_AID',
  details: { service: 'ASSISTIVE_DEVICE', provider: '伊犁州康复中心' },
  badDetails: { provider: 42 },
  foreignProgramme: { department: 'JUSTICE', programme: 'LEGAL_AID' },
  create: createServer,
  dir: new URL('../', import.meta.url),
});
