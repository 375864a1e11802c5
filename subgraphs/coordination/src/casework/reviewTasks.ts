import { GraphQLError } from 'graphql';
import type { Caller } from '@saf/auth';
import { assertPersonLevel, badInput, forbidden, inJurisdiction } from '@saf/service';
import type { Context } from '../context.ts';
import { closeTask, taskById, type ReviewTaskEventRow, type ReviewTaskRow } from '../db/reviewTasks.ts';

/** keep in sync with ReviewOutcome in schema.graphql. */
export const OUTCOMES = ['CONTINUED', 'CHANGED', 'ENDED'] as const;

const HIDDEN = 'no review task with this id that you may close';

/** Who closes a task: an officer of the department it is for, within their region when they have one. */
export function mayClose(caller: Caller, task: { department: string; regionCode: string }): boolean {
  return caller.role === 'DEPARTMENT_OFFICER' && caller.department === task.department && (!caller.region || inJurisdiction(caller, task.regionCode));
}

/**
 * Closes a review task (动态管理) with the department's outcome and a note; refused for anyone
 * but its department's officers (FORBIDDEN, alike for a task that does not exist), for a task
 * already closed, and for the loser of two closings at once.
 */
export async function closeReviewTask(ctx: Context, id: string, outcome: string, noteText: string): Promise<ReviewTaskRow> {
  const caller = assertPersonLevel(ctx.caller);
  if (!(OUTCOMES as readonly string[]).includes(outcome)) throw badInput(`outcome must be one of ${OUTCOMES.join(', ')}`, 'outcome');
  const note = noteText.trim();
  if (!note) throw badInput('a note is required to close a review task', 'note');
  if (note.length > 2000) throw badInput('the note must be at most 2000 characters', 'note');
  const task = await taskById(ctx.db, id);
  // Alike for a task that does not exist and one the caller may not close: nothing leaks.
  if (!task || !mayClose(caller, task)) throw forbidden(caller.role === 'DEPARTMENT_OFFICER' ? HIDDEN : `closing a review task is for an officer of the department it is for, not a ${caller.role}`);
  if (task.status !== 'OPEN') throw new GraphQLError(`review task ${id} is already closed (${task.outcome} by ${task.closedBy})`, { extensions: { code: 'BAD_USER_INPUT', field: 'id', status: task.status } });
  const closed = await closeTask(ctx.db, id, { outcome, note, bySub: caller.sub, byRole: caller.role });
  if (!closed) throw new GraphQLError(`review task ${id} was closed by someone else at the same time; reload it`, { extensions: { code: 'CONFLICT' } });
  return closed;
}

/** The task's history: made by the coordination office, then what its department did. */
export function historyOf(task: ReviewTaskRow, events: ReviewTaskEventRow[]) {
  return [
    { action: 'CREATE', outcome: null, by: 'coordination office', byRole: 'COORDINATOR', at: new Date(task.createdAt).toISOString(), note: task.reason },
    ...events.map((e) => ({ action: e.action, outcome: e.outcome, by: e.bySub, byRole: e.byRole, at: new Date(e.at).toISOString(), note: e.note })),
  ];
}
