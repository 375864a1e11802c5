import { describe, expect, it } from 'vitest';
import { replay } from '../src/casework/archive.ts';

// An archived application's history (casework/archive.ts) is replayed against the stage machine:
// a history that could not have happened is refused, naming why.
const NOW = Date.parse('2026-12-07T04:00:00Z');
const at = (day: string) => `${day}T02:00:00Z`; // 10:00 in China
const step = (action: string, day: string, by = 'cw-1', byRole = 'CASEWORKER') => ({ action, by, byRole, at: at(day), note: action });
const filedToNotice = [step('SUBMIT', '2026-10-01'), step('RECORD_VISIT', '2026-10-02'), step('REVIEW', '2026-10-05', 'cw-2'), step('START_NOTICE', '2026-10-06', 'cw-2')];
const app = (events: ReturnType<typeof step>[]) => ({ id: 'APP-20261001-0123456789', householdId: 'H1', personId: 'P1', programme: 'MINIMUM_LIVING_URBAN', reason: 'r', events });
const refusal = (events: ReturnType<typeof step>[]) => {
  try {
    replay(app(events), NOW);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
};

describe('archived application histories', () => {
  it('takes a history the rules allow: notice from the day it started, approval the day after its 7 days', () => {
    const done = replay(app([...filedToNotice, step('OBJECT', '2026-10-07', 'cw-2'), step('RESOLVE_OBJECTION', '2026-10-09', 'ca-1', 'DEPARTMENT_OFFICER'), step('APPROVE', '2026-10-13', 'ca-1', 'DEPARTMENT_OFFICER')]), NOW);
    expect(done).toMatchObject({ stage: 'APPROVED', noticeStart: '2026-10-06', noticeEnd: '2026-10-12', objections: 0, stageSince: at('2026-10-13') });
    expect(done.steps.map((s) => [s.action, s.fromStage, s.toStage])).toEqual([
      ['SUBMIT', null, 'SUBMITTED'],
      ['RECORD_VISIT', 'SUBMITTED', 'ASSESSED'],
      ['REVIEW', 'ASSESSED', 'REVIEWED'],
      ['START_NOTICE', 'REVIEWED', 'IN_NOTICE'],
      ['OBJECT', 'IN_NOTICE', 'IN_NOTICE'],
      ['RESOLVE_OBJECTION', 'IN_NOTICE', 'IN_NOTICE'],
      ['APPROVE', 'IN_NOTICE', 'APPROVED'],
    ]);
    expect(replay(app([...filedToNotice.slice(0, 3), step('REJECT', '2026-10-08', 'ca-1', 'DEPARTMENT_OFFICER'), step('APPEAL', '2026-10-10')]), NOW)).toMatchObject({ stage: 'REVIEWED', noticeEnd: null });
  });

  it('refuses what could not have happened', () => {
    expect(refusal([...filedToNotice, step('APPROVE', '2026-10-12', 'ca-1', 'DEPARTMENT_OFFICER')])).toMatch(/before the notice's 7 days had run \(until 2026-10-12\)/);
    expect(refusal([...filedToNotice, step('OBJECT', '2026-10-07', 'cw-2'), step('APPROVE', '2026-10-20', 'ca-1', 'DEPARTMENT_OFFICER')])).toMatch(/objection open/);
    expect(refusal([filedToNotice[0]!, filedToNotice[1]!, step('REVIEW', '2026-10-05', 'cw-1')])).toMatch(/other than who filed/);
    expect(refusal([...filedToNotice, step('APPROVE', '2026-10-20', 'cw-3')])).toMatch(/APPROVE is not taken by a CASEWORKER/);
    expect(refusal([filedToNotice[0]!, filedToNotice[2]!])).toMatch(/not possible at stage SUBMITTED/);
    expect(refusal([filedToNotice[1]!])).toMatch(/starts with SUBMIT/);
    expect(refusal([filedToNotice[0]!, step('RECORD_VISIT', '2026-09-30')])).toMatch(/before the step before it/);
    expect(refusal([step('SUBMIT', '2026-12-08')])).toMatch(/not a past instant/);
    expect(refusal([filedToNotice[0]!, { ...step('RECORD_VISIT', '2026-10-02'), note: ' ' }])).toMatch(/needs who \(by\) and a note/);
  });
});
