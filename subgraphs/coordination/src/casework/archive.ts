import { randomUUID } from 'node:crypto';
import { LOADER, type Caller } from '@saf/auth';
import { programme as programmeInfo } from '@saf/programmes';
import { HttpError, parseJson, sendJson, type Route } from '@saf/service';
import { createLoaders, type Context, type Services } from '../context.ts';
import { applicationById } from '../db/applications.ts';
import { applicationEvents, applications } from '../db/schema.ts';
import { assemble, type Assessment } from './assessment.ts';
import { maskName } from './applications.ts';
import { grantAwards } from './grant.ts';
import { NOTICE_DAYS, STEPS, nextStage, type Action, type Stage } from './stages.ts';

/**
 * Applications decided before this system ran (档案 brought in), and the demo's: `POST
 * /archive/applications` from the loader, an application with its whole history, each step dated
 * in the past. Nothing is taken on trust: the history must be one the stage machine allows (the
 * order, the role of each step, the review by someone other than the filer, an approval only after
 * the 7 days of notice with no objection open, dates in order and not in the future); the office
 * reads the household and assembles the economic check as it does for an approval (as itself),
 * kept in the archive with the steps that assemble it; an approval must rest on a complete check
 * that does not find the household ineligible, and its award is written in the owning department
 * through its `/grants` route, from the approval's date, as an approval at the time would have.
 * An application already there is left as it is. Refused in production: real casework is taken
 * step by step through the graph.
 */

const APPLICATION_ID = /^APP-\d{8}-[0-9A-F]{10}$/;
const OFFICE: Caller = { sub: 'coordination office (archive import)', role: 'COORDINATOR' };

interface ArchivedEvent {
  action: string;
  by: string;
  byRole: string;
  at: string;
  note: string;
}
interface ArchivedApplication {
  id: string;
  householdId: string;
  personId: string;
  programme: string;
  amountFen?: number | null;
  reason: string;
  consentSignedBy?: string | null;
  consentSignedOn?: string | null;
  events: ArchivedEvent[];
}

/** The date in China of an instant. */
const chinaDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
const addDays = (day: string, days: number) => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/** What the history leads to, or why it could not have happened. */
export function replay(app: ArchivedApplication, now = Date.now()) {
  const [first, ...rest] = app.events;
  if (!first || first.action !== 'SUBMIT' || first.byRole !== 'CASEWORKER') throw new HttpError(400, `${app.id}: the history starts with SUBMIT by a CASEWORKER`);
  let stage: Stage = 'SUBMITTED';
  let noticeStart: string | null = null;
  let noticeEnd: string | null = null;
  let objections = 0;
  let last = Date.parse(first.at);
  let stageSince = first.at;
  const steps: (ArchivedEvent & { fromStage: Stage | null; toStage: Stage })[] = [{ ...first, fromStage: null, toStage: stage }];
  for (const e of [first, ...rest]) {
    if (Number.isNaN(Date.parse(e.at)) || Date.parse(e.at) > now) throw new HttpError(400, `${app.id}: ${e.action} at ${e.at} is not a past instant`);
    if (!e.by?.trim() || !e.note?.trim()) throw new HttpError(400, `${app.id}: ${e.action} needs who (by) and a note`);
  }
  for (const e of rest) {
    if (Date.parse(e.at) < last) throw new HttpError(400, `${app.id}: ${e.action} at ${e.at} is before the step before it`);
    last = Date.parse(e.at);
    if (!(e.action in STEPS)) throw new HttpError(400, `${app.id}: unknown action ${e.action}`);
    const action = e.action as Action;
    const step = STEPS[action];
    const roleOk = step.by === 'CASEWORKER' ? e.byRole === 'CASEWORKER' : step.by === 'OFFICER' ? e.byRole === 'DEPARTMENT_OFFICER' : e.byRole === 'CASEWORKER' || e.byRole === 'DEPARTMENT_OFFICER';
    if (!roleOk) throw new HttpError(400, `${app.id}: ${action} is not taken by a ${e.byRole}`);
    if (action === 'REVIEW' && e.by === first.by) throw new HttpError(400, `${app.id}: REVIEW must be by someone other than who filed it`);
    const next = nextStage(stage, action);
    if (!next.ok) throw new HttpError(400, `${app.id}: ${next.reason}`);
    if (action === 'START_NOTICE') [noticeStart, noticeEnd, objections] = [chinaDay(e.at), addDays(chinaDay(e.at), NOTICE_DAYS - 1), 0];
    if (action === 'OBJECT') objections += 1;
    if (action === 'RESOLVE_OBJECTION') {
      if (objections < 1) throw new HttpError(400, `${app.id}: RESOLVE_OBJECTION with no objection open`);
      objections -= 1;
    }
    if (action === 'APPROVE') {
      if (!noticeEnd || chinaDay(e.at) <= noticeEnd) throw new HttpError(400, `${app.id}: APPROVE on ${chinaDay(e.at)}, before the notice's ${NOTICE_DAYS} days had run (until ${noticeEnd ?? '?'})`);
      if (objections > 0) throw new HttpError(400, `${app.id}: APPROVE with an objection open`);
    }
    if (action === 'APPEAL') [noticeStart, noticeEnd, objections] = [null, null, 0];
    if (next.to !== stage) stageSince = e.at;
    steps.push({ ...e, fromStage: stage, toStage: next.to });
    stage = next.to;
  }
  return { stage, noticeStart, noticeEnd, objections, stageSince, steps };
}

async function importOne(services: Services, app: ArchivedApplication): Promise<string> {
  if (typeof app.id !== 'string' || !APPLICATION_ID.test(app.id)) throw new HttpError(400, 'id must be an application id (APP-YYYYMMDD-XXXXXXXXXX)');
  const info = programmeInfo(app.programme);
  if (!info) throw new HttpError(400, `${app.id}: unknown programme ${app.programme}`);
  if (!Array.isArray(app.events)) throw new HttpError(400, `${app.id}: events must be a list`);
  if (await applicationById(services.database.db, app.id)) return 'exists';
  const history = replay(app);
  const ctx: Context = { ...services, requestId: randomUUID(), caller: OFFICE, purpose: 'SUPERVISION', db: services.database.db, loaders: createLoaders(services.database.db) };
  const { household, assessment, findings } = await assemble(ctx, { householdId: app.householdId, personId: app.personId, programme: app.programme, amountFen: app.amountFen ?? null });
  if (!household || !assessment.complete) throw new HttpError(503, `${app.id}: the economic check is incomplete (${assessment.missingDepartments.join(', ')} did not answer)`);
  const applicant = household.members.find((m) => m.id === app.personId);
  if (!applicant) throw new HttpError(400, `${app.id}: ${app.personId} is not a member of household ${app.householdId}`);
  const { rules } = await ctx.eligibility.current();
  if (rules.consentRequired.includes(app.programme) && !app.consentSignedBy) throw new HttpError(400, `${app.id}: ${app.programme} needs the household's authorisation (consentSignedBy, consentSignedOn)`);
  const approval = history.steps.find((s) => s.action === 'APPROVE');
  let awardId: string | null = null;
  const row = {
    id: app.id,
    householdId: household.id,
    personId: app.personId,
    programme: app.programme,
    department: info.department,
    regionCode: household.regionCode,
    amountFen: app.amountFen ?? null,
    reason: app.reason,
    consentSignedBy: app.consentSignedBy ?? null,
    consentSignedOn: app.consentSignedOn ?? null,
    stage: history.stage,
    filedBy: app.events[0]!.by,
    maskedName: maskName(applicant.name ?? ''),
    assessment: assessment as Assessment,
    findings,
    noticeStart: history.noticeStart,
    noticeEnd: history.noticeEnd,
    openObjections: history.objections,
    createdAt: app.events[0]!.at,
    stageSince: history.stageSince,
  };
  if (approval) {
    const assessed = !!rules.programmes[app.programme] || rules.consentRequired.includes(app.programme);
    if (assessed && assessment.eligible === false) throw new HttpError(400, `${app.id}: the economic check finds the household not eligible (${assessment.reasons.join('; ')}): it cannot have been approved`);
    awardId = await grantAwards(ctx, { ...row, version: 1, awardId: null, approvalClaim: null, approvalClaimedAt: null } as Parameters<typeof grantAwards>[1], assessment, chinaDay(approval.at));
  }
  // The steps that assemble the check (SUBMIT, RECORD_VISIT, APPROVE) carry it, as at runtime.
  const carries = new Set(['SUBMIT', 'RECORD_VISIT', 'APPROVE']);
  await services.database.db.transaction(async (tx) => {
    const inserted = await tx.insert(applications).values({ ...row, awardId }).onConflictDoNothing().returning({ id: applications.id });
    if (!inserted.length) return;
    await tx.insert(applicationEvents).values(
      history.steps.map((s) => ({ applicationId: app.id, action: s.action, fromStage: s.fromStage, toStage: s.toStage, bySub: s.by, byRole: s.byRole, note: s.note.trim(), assessment: carries.has(s.action) ? assessment : null, findings: carries.has(s.action) ? findings : null, at: s.at })),
    );
  });
  return history.stage;
}

export function archiveRoute(services: Services, production: boolean): Route {
  return async (req, res, url, request) => {
    if (url.pathname !== '/archive/applications') return false;
    if (request.from !== LOADER) throw new HttpError(403, 'only the loader brings archived applications in', { error: 'only the loader brings archived applications in', reason: 'wrong_sender' });
    if (production) throw new HttpError(403, 'archived applications are brought in outside production only (the demo data)');
    if (req.method !== 'POST') throw new HttpError(405, 'POST /archive/applications only');
    const body = parseJson(request.body) as { applications?: unknown };
    if (!Array.isArray(body.applications) || body.applications.length === 0 || body.applications.length > 50) throw new HttpError(400, 'applications must be 1 to 50 applications');
    const results: { id: string; stage?: string; error?: string }[] = [];
    for (const app of body.applications as ArchivedApplication[]) {
      try {
        results.push({ id: app.id, stage: await importOne(services, app) });
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        results.push({ id: app.id, error: err.message });
      }
    }
    sendJson(res, 200, { results });
    return true;
  };
}
