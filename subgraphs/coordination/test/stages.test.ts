import { describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { ACTIONS, STAGES, mayTake, nextStage, type Action, type Stage } from '../src/casework/stages.ts';

// The stage machine of SPEC section 10, every action from every stage, and who may take each.
const ALLOWED: Record<Action, Partial<Record<Stage, Stage>>> = {
  RECORD_VISIT: { SUBMITTED: 'ASSESSED', ASSESSED: 'ASSESSED' },
  REVIEW: { ASSESSED: 'REVIEWED' },
  START_NOTICE: { REVIEWED: 'IN_NOTICE' },
  OBJECT: { IN_NOTICE: 'IN_NOTICE' },
  RESOLVE_OBJECTION: { IN_NOTICE: 'IN_NOTICE' },
  APPROVE: { IN_NOTICE: 'APPROVED' },
  REJECT: { REVIEWED: 'REJECTED', IN_NOTICE: 'REJECTED' },
  APPEAL: { REJECTED: 'REVIEWED' },
  WITHDRAW: { SUBMITTED: 'WITHDRAWN', ASSESSED: 'WITHDRAWN', REVIEWED: 'WITHDRAWN', IN_NOTICE: 'WITHDRAWN' },
};

describe('the stages of an application', () => {
  it('allows exactly the transitions of SPEC section 10 and refuses every other, naming the stage', () => {
    for (const action of ACTIONS) {
      for (const stage of STAGES) {
        const to = ALLOWED[action][stage];
        const result = nextStage(stage, action);
        if (to) expect(result, `${action} at ${stage}`).toEqual({ ok: true, to });
        else expect(result, `${action} at ${stage}`).toEqual({ ok: false, reason: expect.stringContaining(`not possible at stage ${stage}`) });
      }
    }
    // APPROVED, REJECTED (but for an appeal) and WITHDRAWN are final.
    expect(ACTIONS.filter((a) => nextStage('APPROVED', a).ok)).toEqual([]);
    expect(ACTIONS.filter((a) => nextStage('WITHDRAWN', a).ok)).toEqual([]);
    expect(ACTIONS.filter((a) => nextStage('REJECTED', a).ok)).toEqual(['APPEAL']);
  });

  it('gives each step to its role, within jurisdiction; the review to someone other than the filer', () => {
    const app = { regionCode: '654002001', department: 'CIVIL_AFFAIRS', filedBy: 'cw-a' };
    const filer: Caller = { sub: 'cw-a', role: 'CASEWORKER', region: '654002' };
    const other: Caller = { sub: 'cw-b', role: 'CASEWORKER', region: '654002001' };
    const elsewhere: Caller = { sub: 'cw-x', role: 'CASEWORKER', region: '654023' };
    const officer: Caller = { sub: 'ca', role: 'DEPARTMENT_OFFICER', department: 'CIVIL_AFFAIRS' };
    const officerHere: Caller = { sub: 'ca-h', role: 'DEPARTMENT_OFFICER', department: 'CIVIL_AFFAIRS', region: '654002' };
    const officerElsewhere: Caller = { sub: 'ca-x', role: 'DEPARTMENT_OFFICER', department: 'CIVIL_AFFAIRS', region: '654023' };
    const health: Caller = { sub: 'he', role: 'DEPARTMENT_OFFICER', department: 'HEALTH' };
    const coordinator: Caller = { sub: 'co', role: 'COORDINATOR' };
    const may = (caller: Caller) => ACTIONS.filter((a) => mayTake(caller, a, app) === null);
    expect(may(filer)).toEqual(['RECORD_VISIT', 'START_NOTICE', 'OBJECT', 'RESOLVE_OBJECTION', 'APPEAL', 'WITHDRAW']);
    expect(may(other)).toEqual(['RECORD_VISIT', 'REVIEW', 'START_NOTICE', 'OBJECT', 'RESOLVE_OBJECTION', 'APPEAL', 'WITHDRAW']);
    expect(mayTake(filer, 'REVIEW', app)).toMatch(/other than who filed/);
    for (const caller of [officer, officerHere]) expect(may(caller)).toEqual(['OBJECT', 'RESOLVE_OBJECTION', 'APPROVE', 'REJECT']);
    for (const caller of [elsewhere, officerElsewhere, health, coordinator]) expect(may(caller), caller.sub).toEqual([]);
  });
});
