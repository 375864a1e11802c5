import type { Caller } from '@saf/auth';
import { inJurisdiction } from '@saf/service';

/**
 * The steps of an application (SPEC section 10) as a table: from which stages an action may be
 * taken, the stage it leads to, and who may take it. Anything else is refused and leaves the
 * stage as it was (advance.ts). keep in sync with ApplicationStage / ApplicationAction in schema.graphql.
 */
export const STAGES = ['SUBMITTED', 'ASSESSED', 'REVIEWED', 'IN_NOTICE', 'APPROVED', 'REJECTED', 'WITHDRAWN'] as const;
export type Stage = (typeof STAGES)[number];
export const ACTIONS = ['RECORD_VISIT', 'REVIEW', 'START_NOTICE', 'OBJECT', 'RESOLVE_OBJECTION', 'APPROVE', 'REJECT', 'APPEAL', 'WITHDRAW'] as const;
export type Action = (typeof ACTIONS)[number];

/** Who takes a step: the township's caseworkers where the household lives, or the owning department's officers. */
export type Actor = 'CASEWORKER' | 'OFFICER' | 'CASEWORKER_OR_OFFICER';

export interface Step {
  from: readonly Stage[];
  to: Stage | 'SAME';
  by: Actor;
  /** In Chinese, for the refusal messages and the console. */
  nameZh: string;
}

export const STEPS: Record<Action, Step> = {
  // The visit may be recorded again while the application waits for review (a department that
  // did not answer at the first one, a second visit): the assessment is assembled each time.
  RECORD_VISIT: { from: ['SUBMITTED', 'ASSESSED'], to: 'ASSESSED', by: 'CASEWORKER', nameZh: '入户调查' },
  REVIEW: { from: ['ASSESSED'], to: 'REVIEWED', by: 'CASEWORKER', nameZh: '乡镇审核' },
  START_NOTICE: { from: ['REVIEWED'], to: 'IN_NOTICE', by: 'CASEWORKER', nameZh: '开始公示' },
  OBJECT: { from: ['IN_NOTICE'], to: 'SAME', by: 'CASEWORKER_OR_OFFICER', nameZh: '登记异议' },
  RESOLVE_OBJECTION: { from: ['IN_NOTICE'], to: 'SAME', by: 'CASEWORKER_OR_OFFICER', nameZh: '处理异议' },
  APPROVE: { from: ['IN_NOTICE'], to: 'APPROVED', by: 'OFFICER', nameZh: '审批通过' },
  // The department may refuse once the township has reviewed it, before or during the notice.
  REJECT: { from: ['REVIEWED', 'IN_NOTICE'], to: 'REJECTED', by: 'OFFICER', nameZh: '审批不予批准' },
  APPEAL: { from: ['REJECTED'], to: 'REVIEWED', by: 'CASEWORKER', nameZh: '申请复核' },
  WITHDRAW: { from: ['SUBMITTED', 'ASSESSED', 'REVIEWED', 'IN_NOTICE'], to: 'WITHDRAWN', by: 'CASEWORKER', nameZh: '撤回申请' },
};

/** How long the public notice runs (公示期), in days. */
export const NOTICE_DAYS = 7;

/** The stage an action leads to from `stage`, or why it may not be taken there. */
export function nextStage(stage: Stage, action: Action): { ok: true; to: Stage } | { ok: false; reason: string } {
  const step = STEPS[action];
  if (!step.from.includes(stage)) return { ok: false, reason: `${action} (${step.nameZh}) is not possible at stage ${stage}; it is taken at ${step.from.join(' or ')}` };
  return { ok: true, to: step.to === 'SAME' ? stage : step.to };
}

export interface ApplicationFacts {
  regionCode: string;
  department: string;
  filedBy: string;
}

/**
 * Whether the caller may take the step, or why not. Caseworkers act within their jurisdiction
 * (the household's region); officers of the owning department act on its applications, within
 * their jurisdiction when their token carries one. The township's review is by someone other
 * than who filed the application.
 */
export function mayTake(caller: Caller, action: Action, app: ApplicationFacts): string | null {
  const step = STEPS[action];
  const caseworker = caller.role === 'CASEWORKER' && inJurisdiction(caller, app.regionCode);
  const officer = caller.role === 'DEPARTMENT_OFFICER' && caller.department === app.department && (!caller.region || inJurisdiction(caller, app.regionCode));
  const allowed = step.by === 'CASEWORKER' ? caseworker : step.by === 'OFFICER' ? officer : caseworker || officer;
  if (!allowed) {
    const who = step.by === 'CASEWORKER' ? 'a caseworker whose jurisdiction covers the household' : step.by === 'OFFICER' ? `an officer of ${app.department}, the department that owns the programme` : `a caseworker whose jurisdiction covers the household or an officer of ${app.department}`;
    return `${action} (${step.nameZh}) is for ${who}`;
  }
  if (action === 'REVIEW' && caller.sub === app.filedBy) return 'REVIEW (乡镇审核) must be by someone other than who filed the application';
  return null;
}
