import { REVIEW_TASKS } from '../api/casework.ts';
import { usePaged } from '../api/usePaged.ts';
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
}

/** 动态管理: the review tasks of the caller's region (an officer's: their department's), oldest first. */
export function ReviewTasksPage() {
  const { t, label, dateTime, number } = useI18n();
  const { session } = useSession();
  const regionCode = session.claims.region || '65';
  const list = usePaged<Task>(REVIEW_TASKS, 'reviewTasks', { regionCode, first: 100 });
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
                </tr>
              </thead>
              <tbody>
                {list.nodes.map((task) => (
                  <tr key={task.id}>
                    <td>{dateTime(task.createdAt)}</td>
                    <td>{label('dept', task.department)}</td>
                    <td>{session.claims.role === 'DEPARTMENT_OFFICER' ? task.householdId : <Link to={`/households/${encodeURIComponent(task.householdId)}`}>{task.householdId}</Link>}</td>
                    <td>{task.awardId ?? ''}</td>
                    <td>{task.reason}</td>
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
