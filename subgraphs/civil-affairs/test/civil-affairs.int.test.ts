import { departmentSuite } from '@saf/testing';
import { parseResidentId } from '@saf/identity';
import { createServer } from '../src/server.ts';

departmentSuite({
  name: 'civil-affairs',
  department: 'CIVIL_AFFAIRS',
  awardsField: 'civilAffairsAwards',
  programme: 'MINIMUM_LIVING_RURAL',
  details: { householdSize: 3, localStandardFen: 48000 },
  badDetails: { householdSize: 0 },
  foreignProgramme: { department: 'DISABLED_PERSONS_FEDERATION', programme: 'DISABILITY_LIVING_SUBSIDY' },
  create: createServer,
  queriesPerBatch: 2,
  awardQueriesPerPicture: 2,
  sweepRoot: true,
  prelude: (persons) => [
    ...[0, 1, 2, 3, 4].map((i) => ({ type: 'household', id: `H${i}`, regionCode: '654021', hukou: 'RURAL' })),
    ...persons.map((id, i) => {
      const parsed = parseResidentId(id);
      if (!parsed.ok) throw new Error(parsed.error);
      return { type: 'person', id, name: `测试${i}`, gender: parsed.value.gender, birthDate: parsed.value.birthDate, householdId: `H${i % 5}`, relation: i < 5 ? 'HEAD' : 'CHILD' };
    }),
  ],
  dir: new URL('../', import.meta.url),
});
