import { useId, useState, type FormEvent } from 'react';
import { ADVANCE, APPLICATION, type Application } from '../api/casework.ts';
import { useGraphQL, useQuery } from '../api/useGraphQL.ts';
import { Notice } from '../components/Notice.tsx';
import { OutcomeView } from '../components/Outcome.tsx';
import { useI18n } from '../i18n/index.tsx';
import { localiseDates } from '../lib/format.ts';
import { regionName } from '../lib/regions.ts';
import { Link } from '../lib/router.tsx';

/** One application: its facts, the assessment and findings, the archive, and the steps the signed-in caller may take. */
export function ApplicationPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { state, reload } = useQuery<{ application: Application | null }>(APPLICATION, { id });
  return (
    <OutcomeView state={state}>
      {({ application }) => (application ? <ApplicationView app={application} reload={reload} /> : <Notice kind="info" title={t('notFound.title')} />)}
    </OutcomeView>
  );
}

function ApplicationView({ app, reload }: { app: Application; reload: () => void }) {
  const { t, label, programme, money, date, dateTime, lang } = useI18n();
  const a = app.assessment;
  const eligible = a?.eligible === true ? t('app.eligible.yes') : a?.eligible === false ? t('app.eligible.no') : t('app.eligible.unknown');
  return (
    <article className="application" aria-labelledby="app-h" data-stage={app.stage}>
      <header className="page-head">
        <div>
          <h1 id="app-h">{t('app.heading', { id: app.id })}</h1>
          <p className="muted">
            <span className="badge" data-testid="stage">{app.approvalInProgress ? t(`app.approval.${app.approvalInProgress.status}`) : label('stage', app.stage)}</span> · {programme(app.programme)} · {label('dept', app.department)} · {regionName(app.regionCode, lang)} ·{' '}
            {app.waitingDays > 0 ? t('app.waitingDays', { days: app.waitingDays }) : t('app.waitingHours', { hours: app.waitingHours })}
          </p>
        </div>
        <Link className="button secondary" to={`/households/${encodeURIComponent(app.householdId)}`}>{app.householdId}</Link>
      </header>
      {app.approvalInProgress && (
        <div data-testid="approval-in-progress">
          <Notice kind="warning" title={t(`app.approval.${app.approvalInProgress.status}`)}>
            {t(app.approvalInProgress.status === 'UNCONFIRMED' ? 'app.approval.unconfirmed' : 'app.approval.running', { since: dateTime(app.approvalInProgress.since), department: label('dept', app.department) })}
          </Notice>
        </div>
      )}
      <dl className="facts">
        <div><dt>{t('app.applicant')}</dt><dd>{app.personId}</dd></div>
        <div><dt>{t('app.reason')}</dt><dd>{app.reason}</dd></div>
        <div><dt>{t('app.amount')}</dt><dd>{app.amountFen === null ? t('app.none') : money(app.amountFen)}</dd></div>
        <div><dt>{t('app.consent')}</dt><dd>{app.consentSignedBy ? t('app.consentBy', { person: app.consentSignedBy, date: date(app.consentSignedOn) }) : t('app.none')}</dd></div>
        <div><dt>{t('app.notice')}</dt><dd>{app.noticeStart ? `${date(app.noticeStart)} – ${date(app.noticeEnd)}` : t('app.none')}</dd></div>
        <div><dt>{t('app.objections')}</dt><dd>{app.openObjections}</dd></div>
        <div><dt>{t('app.award')}</dt><dd>{app.awardId ?? t('app.none')}</dd></div>
      </dl>

      <section aria-labelledby="assess-h" className="assessment">
        <h2 id="assess-h">{t('app.assessment')}</h2>
        {!a ? (
          <p className="muted">{t('app.assessment.none')}</p>
        ) : (
          <>
            {!a.complete && <Notice kind="warning">{t('app.assessment.incomplete', { departments: a.missingDepartments.map((d) => label('dept', d)).join('、') })}</Notice>}
            <dl className="facts">
              <div><dt>{t('app.assessment.size')}</dt><dd>{a.householdSize}</dd></div>
              <div><dt>{t('app.assessment.income')}</dt><dd>{a.incomePerHeadFen === null ? '—' : money(a.incomePerHeadFen)}</dd></div>
              <div><dt>{t('app.assessment.standard')}</dt><dd>{a.standardFen === null ? '—' : money(a.standardFen)}</dd></div>
              <div><dt>{t('app.assessment.eligible')}</dt><dd data-testid="eligible">{eligible}</dd></div>
              {a.gapFen !== null && <div><dt>{t('app.assessment.gap')}</dt><dd>{money(a.gapFen)}</dd></div>}
            </dl>
            <ul className="reasons">{a.reasons.map((r) => <li key={r}>{r}</li>)}</ul>
          </>
        )}
      </section>

      <section aria-labelledby="app-findings-h">
        <h2 id="app-findings-h">{t('app.findings', { count: app.findings.length })}</h2>
        {app.findings.length === 0 ? <p className="muted">{t('app.findings.none')}</p> : (
          <ul className="findings">{app.findings.map((f) => <li key={f.id}><strong>{label('rule', f.rule)}</strong>：{localiseDates(lang === 'zh' ? f.explanation : f.explanationEn || f.explanation, lang)}</li>)}</ul>
        )}
      </section>

      <Actions app={app} reload={reload} />

      <section aria-labelledby="history-h">
        <h2 id="history-h">{t('app.history')}</h2>
        <table className="results history">
          <thead>
            <tr>
              <th scope="col">{t('app.history.at')}</th>
              <th scope="col">{t('app.history.action')}</th>
              <th scope="col">{t('app.history.by')}</th>
              <th scope="col">{t('app.history.note')}</th>
              <th scope="col">{t('app.history.stage')}</th>
            </tr>
          </thead>
          <tbody>
            {app.history.map((e, i) => (
              <tr key={i}>
                <td>{dateTime(e.at)}</td>
                <td>{label('action', e.action)}</td>
                <td>{e.by} · {label('role', e.byRole)}</td>
                <td>{e.note ?? ''}</td>
                <td>{label('stage', e.toStage)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </article>
  );
}

/** The steps the caller may take now, each with the note every step records. */
function Actions({ app, reload }: { app: Application; reload: () => void }) {
  const { t, label } = useI18n();
  const run = useGraphQL();
  const noteId = useId();
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const take = (action: string) => async (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) return setProblem(t('app.noteRequired'));
    setBusy(true);
    setProblem(null);
    const res = await run<{ advanceApplication: { stage: string } }>(ADVANCE, { id: app.id, action, note: note.trim() });
    setBusy(false);
    if (res.kind === 'ok') {
      setDone(label('action', action));
      setNote('');
      reload();
    } else if (res.kind === 'forbidden') setProblem(t('forbidden.title'));
    else setProblem(res.kind === 'invalid' || res.kind === 'error' ? res.message : t('error.title'));
  };
  return (
    <section aria-labelledby="actions-h" className="actions">
      <h2 id="actions-h">{t('app.actions')}</h2>
      {done && <Notice kind="info">{t('app.done', { action: done })}</Notice>}
      {problem && <Notice kind="error">{problem}</Notice>}
      {app.availableActions.length === 0 ? (
        <p className="muted">{t('app.actions.none')}</p>
      ) : (
        <form onSubmit={(e) => e.preventDefault()}>
          <label htmlFor={noteId}>{t('app.note')}</label>
          <textarea id={noteId} value={note} onChange={(e) => setNote(e.target.value)} rows={2} />
          <div className="buttons">
            {app.availableActions.map((action) => (
              <button key={action} type="button" onClick={(e) => void take(action)(e)} disabled={busy} className={action === 'REJECT' || action === 'WITHDRAW' ? 'secondary' : undefined}>
                {label('action', action)}
              </button>
            ))}
          </div>
        </form>
      )}
    </section>
  );
}
