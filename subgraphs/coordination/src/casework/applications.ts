import { randomBytes } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Caller } from '@saf/auth';
import { todayInChina } from '@saf/department';
import { isValidIsoDate, parseResidentId } from '@saf/identity';
import { programme as programmeInfo } from '@saf/programmes';
import { assertPersonLevel, assertRole, badInput, conflict, forbidden, inJurisdiction, isBound } from '@saf/service';
import type { Context } from '../context.ts';
import { advanceRow, applicationById, claimApproval, endClaim, insertApplication, type ApplicationRow } from '../db/applications.ts';
import { assemble, assembleForApproval, type Assessment } from './assessment.ts';
import { mayTake, nextStage, NOTICE_DAYS, STEPS, type Action, type Stage } from './stages.ts';
import { GrantFailure, grantAwards } from './grant.ts';
import { missingNames } from './vehicles.ts';

/** A claim left by a process that stopped mid-approval is taken over by an APPROVE after this long. */
const CLAIM_ABANDONED_MS = 5 * 60_000;

/** Whether an APPROVE may take over the approval claim: its outcome was not confirmed, or its process stopped. */
export function approvalMayResume(row: ApplicationRow): boolean {
  if (row.approvalClaim === 'UNCONFIRMED') return true;
  return !!row.approvalClaimedAt && Date.now() - new Date(row.approvalClaimedAt).getTime() > CLAIM_ABANDONED_MS;
}

export interface ApplicationInput {
  householdId: string;
  personId: string;
  programme: string;
  amountFen?: number | null;
  reason: string;
  consentSignedBy?: string | null;
  consentSignedOn?: string | null;
}

function refusedStep(message: string, stage: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field: 'action', stage } });
}

/** 王芳 → 王*, 阿依古丽·买买提 → 阿*******: the first character, one * for every other (SPEC section 10). */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  return chars.length ? chars[0]! + '*'.repeat(chars.length - 1) : '*';
}

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function note(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) throw badInput('a note is required for every step', 'note');
  if (trimmed.length > 2000) throw badInput('the note must be at most 2000 characters', 'note');
  return trimmed;
}

/** Who may read an application: the township where the household lives, the owning department, the coordination office (within their regions). */
export function mayRead(caller: Caller, app: { regionCode: string; department: string }): boolean {
  if (caller.role === 'CASEWORKER' || caller.role === 'COORDINATOR') return inJurisdiction(caller, app.regionCode);
  if (caller.role === 'DEPARTMENT_OFFICER') return caller.department === app.department && (!caller.region || inJurisdiction(caller, app.regionCode));
  return false;
}

const HIDDEN = 'no application with this id that you may see';

/** An application by id, when the caller may read it; FORBIDDEN alike when there is none and when they may not (a bound caller). */
export async function readableApplication(ctx: Context, id: string): Promise<ApplicationRow | null> {
  const caller = assertPersonLevel(ctx.caller);
  const row = await applicationById(ctx.db, id);
  if (row && mayRead(caller, row)) return row;
  if (!row && !isBound(caller)) return null;
  throw forbidden(HIDDEN);
}

/**
 * 受理: a caseworker files an application for a member of a household in their jurisdiction,
 * for any programme; it goes to the department that owns the programme. The household and its
 * means are read through the graph as the caseworker (civil affairs refuses a household outside
 * their jurisdiction), and the assessment and findings assembled.
 */
export async function submitApplication(ctx: Context, input: ApplicationInput) {
  const caller = assertRole(ctx.caller, 'CASEWORKER');
  const info = programmeInfo(input.programme);
  if (!info) throw badInput(`unknown programme ${input.programme}`, 'programme');
  const id = parseResidentId(input.personId);
  if (!id.ok) throw badInput(`personId: invalid resident ID: ${id.error}`, 'personId');
  if (!input.householdId.trim()) throw badInput('householdId is required', 'householdId');
  const reason = input.reason.trim();
  if (!reason) throw badInput('a reason for the application is required', 'reason');
  if (reason.length > 2000) throw badInput('the reason must be at most 2000 characters', 'reason');
  if (input.amountFen != null && (!Number.isInteger(input.amountFen) || input.amountFen < 0)) throw badInput('amountFen must be a non-negative integer', 'amountFen');
  const { rules } = await ctx.eligibility.current();
  const consentNeeded = rules.consentRequired.includes(input.programme);
  if (consentNeeded && !input.consentSignedBy) throw badInput(`${input.programme} needs the household's written authorisation for the economic check (授权书): consentSignedBy and consentSignedOn`, 'consentSignedBy');
  if (input.consentSignedBy && !input.consentSignedOn) throw badInput('consentSignedOn is required with consentSignedBy', 'consentSignedOn');
  if (input.consentSignedOn != null && (!isValidIsoDate(input.consentSignedOn) || input.consentSignedOn > todayInChina())) throw badInput('consentSignedOn must be a date YYYY-MM-DD, not in the future', 'consentSignedOn');

  const { household, assessment, findings } = await assemble(ctx, { householdId: input.householdId, personId: input.personId, programme: input.programme, amountFen: input.amountFen ?? null });
  if (!household) throw new GraphQLError('civil affairs did not answer: the household cannot be read, so the application cannot be filed now', { extensions: { code: 'SUBGRAPH_UNAVAILABLE', services: ['civil-affairs'] } });
  if (!inJurisdiction(caller, household.regionCode)) throw forbidden('this household is outside your jurisdiction or not registered');
  const applicant = household.members.find((m) => m.id === input.personId);
  if (!applicant) throw badInput(`person ${input.personId} is not a member of household ${household.id}`, 'personId');
  if (applicant.deathDate) throw badInput(`person ${input.personId} is recorded as deceased (${applicant.deathDate})`, 'personId');
  if (input.consentSignedBy && !household.members.some((m) => m.id === input.consentSignedBy && !m.deathDate)) throw badInput('consentSignedBy must be a living member of the household', 'consentSignedBy');

  const appId = `APP-${todayInChina().replaceAll('-', '')}-${randomBytes(5).toString('hex').toUpperCase()}`;
  try {
    return await insertApplication(
      ctx.db,
      {
        id: appId,
        householdId: household.id,
        personId: input.personId,
        programme: input.programme,
        department: info.department,
        regionCode: household.regionCode,
        amountFen: input.amountFen ?? null,
        reason,
        consentSignedBy: input.consentSignedBy ?? null,
        consentSignedOn: input.consentSignedOn ?? null,
        stage: 'SUBMITTED',
        filedBy: caller.sub,
        maskedName: maskName(applicant.name ?? ''),
        assessment,
        findings,
      },
      { action: 'SUBMIT', fromStage: null, toStage: 'SUBMITTED', bySub: caller.sub, byRole: caller.role, note: reason, assessment, findings },
    );
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code === '23505') throw badInput(`${input.personId} already has a ${input.programme} application in progress`, 'personId');
    throw err;
  }
}

/** Whether the programme's approval rests on an economic assessment. */
async function assessed(ctx: Context, programme: string): Promise<boolean> {
  const { rules } = await ctx.eligibility.current();
  return !!rules.programmes[programme] || rules.consentRequired.includes(programme);
}

/**
 * Takes one step (SPEC section 10). Refused, with the stage unchanged: a step out of order, by
 * the wrong role or outside jurisdiction, an approval before the notice has run its 7 days or
 * with an objection open or on an incomplete or negative assessment; and the loser of two steps
 * taken at once (CONFLICT).
 */
export async function advanceApplication(ctx: Context, id: string, action: Action, noteText: string) {
  const caller = assertPersonLevel(ctx.caller);
  const row = await readableApplication(ctx, id);
  if (!row) throw forbidden(HIDDEN);
  const refusal = mayTake(caller, action, row);
  if (refusal) throw forbidden(refusal);
  if (row.approvalClaim && !(action === 'APPROVE' && approvalMayResume(row))) {
    throw conflict(`an approval of application ${row.id} is under way (since ${new Date(row.approvalClaimedAt ?? Date.now()).toISOString()}): no other step is taken until it ends${row.approvalClaim === 'UNCONFIRMED' ? '; its department did not confirm the awards: an officer approving again completes it' : ''}`);
  }
  const next = nextStage(row.stage as Stage, action);
  if (!next.ok) throw refusedStep(next.reason, row.stage);
  const text = note(noteText);
  const today = todayInChina();
  let assessment = row.assessment as Assessment | null;
  let findings = row.findings as unknown[];
  const changes: Partial<ApplicationRow> = { stage: next.to };

  switch (action) {
    case 'RECORD_VISIT': {
      const assembled = await assemble(ctx, { householdId: row.householdId, personId: row.personId, programme: row.programme, amountFen: row.amountFen });
      // Civil affairs missing: the household could not be read; what was known stays, marked incomplete.
      assessment = assembled.household ? assembled.assessment : { ...assembled.assessment, householdSize: assessment?.householdSize ?? 0 };
      findings = assembled.household ? assembled.findings : findings;
      Object.assign(changes, { assessment, findings });
      break;
    }
    case 'REVIEW':
      if ((await assessed(ctx, row.programme)) && !assessment?.complete) throw refusedStep(`the assessment is incomplete (${missingNames(assessment)} did not answer): record the visit again before the review`, row.stage);
      break;
    case 'START_NOTICE':
      Object.assign(changes, { noticeStart: today, noticeEnd: addDays(today, NOTICE_DAYS - 1), openObjections: 0 });
      break;
    case 'OBJECT':
      Object.assign(changes, { openObjections: row.openObjections + 1 });
      break;
    case 'RESOLVE_OBJECTION':
      if (row.openObjections < 1) throw refusedStep('there is no open objection to resolve', row.stage);
      Object.assign(changes, { openObjections: row.openObjections - 1 });
      break;
    case 'APPROVE': {
      if (!row.noticeEnd || today <= row.noticeEnd) throw refusedStep(`the public notice runs ${NOTICE_DAYS} days, until ${row.noticeEnd ?? '?'}: approval from ${row.noticeEnd ? addDays(row.noticeEnd, 1) : '?'}`, row.stage);
      if (row.openObjections > 0) throw refusedStep(`${row.openObjections} objection(s) to the notice are open: resolve them first`, row.stage);
      // The decision rests on the data as it is now, not as it was at the visit: assembled again
      // by the office, recorded with the approval in the archive.
      const fresh = await assembleForApproval(ctx, { applicationId: row.id, householdId: row.householdId, personId: row.personId, programme: row.programme, amountFen: row.amountFen });
      assessment = fresh.household ? fresh.assessment : { ...fresh.assessment, householdSize: assessment?.householdSize ?? 0 };
      findings = fresh.household ? fresh.findings : findings;
      Object.assign(changes, { assessment, findings });
      if (await assessed(ctx, row.programme)) {
        if (!assessment.complete) throw refusedStep(`the economic check assembled for the approval is incomplete (${missingNames(assessment)} did not answer) and cannot support an approval: approve again when it answers`, row.stage);
        if (assessment.eligible === false) throw refusedStep(`the economic check assembled for the approval finds the household not eligible now (${assessment.reasons.join('; ')}): reject it with the reason instead`, row.stage);
      }
      break;
    }
    case 'APPEAL':
      Object.assign(changes, { noticeStart: null, noticeEnd: null, openObjections: 0 });
      break;
    default:
      break;
  }
  const event = { action, fromStage: row.stage, toStage: next.to, bySub: caller.sub, byRole: caller.role, note: text, assessment, findings };
  let version = row.version;
  if (action === 'APPROVE') {
    // The application is taken for the approval before the awards are written (a version-checked
    // claim): a WITHDRAW, REJECT or second APPROVE at the same time is refused (CONFLICT) rather
    // than winning after the awards exist. The awards' ids are the application's, so approving
    // again after an unconfirmed attempt writes the same awards.
    const claimed = await claimApproval(ctx.db, row.id, row.version);
    if (claimed === null) throw conflict(`application ${row.id} changed while APPROVE was being taken (another step was taken at the same time); reload it and try again`);
    version = claimed;
    try {
      changes.awardId = await grantAwards(ctx, row, assessment, today);
    } catch (err) {
      if (!(err instanceof GrantFailure)) {
        await endClaim(ctx.db, row.id, version, 'UNCONFIRMED');
        throw err;
      }
      await endClaim(ctx.db, row.id, version, err.nothingWritten ? 'release' : 'UNCONFIRMED');
      throw err.error;
    }
    Object.assign(changes, { approvalClaim: null, approvalClaimedAt: null });
  }
  const updated = await advanceRow(ctx.db, row.id, version, changes, event);
  if (!updated) throw conflict(`application ${row.id} changed while ${action} was being taken (another step was taken at the same time); reload it and try again`);
  return updated;
}

export { STEPS };
