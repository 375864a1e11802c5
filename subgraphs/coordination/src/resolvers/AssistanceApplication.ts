import { programme } from '@saf/programmes';
import type { Context } from '../context.ts';
import type { ApplicationEventRow, ApplicationRow } from '../db/applications.ts';
import { approvalMayResume } from '../casework/applications.ts';
import { ACTIONS, mayTake, nextStage, type Stage } from '../casework/stages.ts';

const HOUR_MS = 3_600_000;
const waited = (since: string) => Math.max(0, Date.now() - new Date(since).getTime());

export const AssistanceApplication = {
  programmeNameZh: (a: ApplicationRow) => programme(a.programme)?.nameZh ?? a.programme,
  submittedAt: (a: ApplicationRow) => new Date(a.createdAt).toISOString(),
  stageSince: (a: ApplicationRow) => new Date(a.stageSince).toISOString(),
  waitingDays: (a: ApplicationRow) => Math.floor(waited(a.stageSince) / (24 * HOUR_MS)),
  waitingHours: (a: ApplicationRow) => Math.floor(waited(a.stageSince) / HOUR_MS),
  findings: (a: ApplicationRow) => (a.findings as unknown[]) ?? [],
  history: async (a: ApplicationRow, _: unknown, ctx: Context) =>
    (await ctx.loaders.applicationEvents.load(a.id)).map((e: ApplicationEventRow) => ({
      action: e.action,
      by: e.bySub,
      byRole: e.byRole,
      at: new Date(e.at).toISOString(),
      note: e.note,
      fromStage: e.fromStage,
      toStage: e.toStage,
      assessment: e.assessment,
      findings: (e.findings as unknown[]) ?? [],
    })),
  // What the console offers: the steps this caller may take at this stage (the checks that need
  // the data, such as the notice's 7 days, are the step's own).
  // While an approval is under way no other step is taken (casework/applications.ts): only APPROVE, to complete an unconfirmed one.
  availableActions: (a: ApplicationRow, _: unknown, ctx: Context) =>
    ctx.caller ? ACTIONS.filter((action) => nextStage(a.stage as Stage, action).ok && !mayTake(ctx.caller!, action, a) && (!a.approvalClaim || (action === 'APPROVE' && approvalMayResume(a)))) : [],
  // The stage stays IN_NOTICE until the department confirms the awards (SPEC's stages are fixed):
  // an approval whose outcome is unknown is told here. A RUNNING claim whose process stopped is as
  // unknown as a lost answer, and APPROVE takes it over alike (approvalMayResume).
  approvalInProgress: (a: ApplicationRow) =>
    a.approvalClaim ? { status: approvalMayResume(a) ? 'UNCONFIRMED' : 'RUNNING', since: new Date(a.approvalClaimedAt ?? a.stageSince).toISOString() } : null,
};
