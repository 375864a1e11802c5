import { useId, useState, type FormEvent } from 'react';
import { CLOSE_REVIEW_TASK, REVIEW_TASKS } from '../api/casework.ts';
import { useGraphQL } from '../api/useGraphQL.ts';
import { usePaged } from '../api/usePaged.ts';
import { Notice } from '../components/Notice.tsx';
import { OutcomeView } from '../components/Outcome.tsx';
import { useI18n } from '../i18n/index.tsx';
import { Link } from '../lib/router.tsx';
import { useSession } from '../lib/sessionContext.tsx';

interface Task {
  id: string;
  department: string;
  householdId: string;
  personId: string | null;
  awardId: string | null;
  reason: string;
  createdAt: string;
  status: string;
  outcome: string | null;
  closedBy: string | null;
  closedAt: string | null;
  note: string | null;
}

// keep in sync with ReviewOutcome in subgraphs/coordination/schema.graphql.
const OUTCOMES = ['CONTINUED', 'CHANGED', 'ENDED'] as const;

/**
 * 动态管理: the review tasks of the caller's region (an officer's: their department's), oldest
 * first; an officer closes an open one with its outcome and a note.
 */
export function ReviewTasksPage() {
  const { t, label, dateTime, number } = useI18n();
  const { session } = useSession();
  const regionCode = session.claims.region || '65';
  const list = usePaged<Task>(REVIEW_TASKS, 'reviewTasks', { regionCode, first: 100 });
  const officer = session.claims.role === 'DEPARTMENT_OFFICER';
  return (
    <section aria-labelledby="tasks-h">
      <h1 id="tasks-h">{t('tasks.title')}</h1>
      <OutcomeView state={list.state}>
        {() =>
          list.nodes.length === 0 ? (
            <p className="muted">{t('tasks.none')}</p>
          ) : (
            <table className="results tasks">
              <caption>{t('app.list.caption', { total: number(list.totalCount), shown: number(list.nodes.length) })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('tasks.created')}</th>
                  <th scope="col">{t('tasks.department')}</th>
                  <th scope="col">{t('app.list.household')}</th>
                  <th scope="col">{t('tasks.award')}</th>
                  <th scope="col">{t('tasks.reason')}</th>
                  <th scope="col">{t('tasks.status')}</th>
                </tr>
              </thead>
              <tbody>
                {list.nodes.map((task) => (
                  <tr key={task.id} data-task-id={task.id}>
                    <td>{dateTime(task.createdAt)}</td>
                    <td>{label('dept', task.department)}</td>
                    <td>{officer ? task.householdId : <Link to={`/households/${encodeURIComponent(task.householdId)}`}>{task.householdId}</Link>}</td>
                    <td>{task.awardId ?? ''}</td>
                    <td>{task.reason}</td>
                    <td className="task-status">
                      {task.status === 'OPEN' ? (
                        officer && session.claims.department === task.department ? <CloseTask task={task} reload={list.reload} /> : t('tasks.open')
                      ) : (
                        <>
                          <span data-testid="task-closed">{t('tasks.closed', { outcome: label('outcome', task.outcome), by: task.closedBy ?? '', at: task.closedAt ? dateTime(task.closedAt) : '' })}</span>
                          {task.note && <p className="muted">{task.note}</p>}
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </OutcomeView>
    </section>
  );
}

/** An open task's closing: the outcome and the note every closing records. */
function CloseTask({ task, reload }: { task: Task; reload: () => void }) {
  const { t, label } = useI18n();
  const run = useGraphQL();
  const outcomeId = useId();
  const noteId = useId();
  const [outcome, setOutcome] = useState<string>('CONTINUED');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = async (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) return setProblem(t('tasks.noteRequired'));
    setBusy(true);
    setProblem(null);
    const res = await run<{ closeReviewTask: { status: string } }>(CLOSE_REVIEW_TASK, { id: task.id, outcome, note: note.trim() });
    setBusy(false);
    if (res.kind === 'ok') reload();
    else if (res.kind === 'forbidden') setProblem(t('forbidden.title'));
    else setProblem(res.kind === 'invalid' || res.kind === 'error' ? res.message : t('error.title'));
  };
  return (
    <form className="close-task" aria-label={t('tasks.close')} onSubmit={(e) => void close(e)}>
      {problem && <Notice kind="error">{problem}</Notice>}
      <span>{t('tasks.open')}</span>
      <label htmlFor={outcomeId}>{t('tasks.outcome')}</label>
      <select id={outcomeId} value={outcome} onChange={(e) => setOutcome(e.target.value)}>
        {OUTCOMES.map((o) => (
          <option key={o} value={o}>
            {label('outcome', o)}
          </option>
        ))}
      </select>
      <label htmlFor={noteId}>{t('tasks.note')}</label>
      <input id={noteId} value={note} onChange={(e) => setNote(e.target.value)} />
      <button type="submit" disabled={busy}>
        {t('tasks.close')}
      </button>
    </form>
  );
}
