import { useState, type FormEvent } from 'react';
import { APPLICATIONS, STAGES, type ApprovalInProgress } from '../api/casework.ts';
import { usePaged } from '../api/usePaged.ts';
import { Notice } from '../components/Notice.tsx';
import { OutcomeView } from '../components/Outcome.tsx';
import { useI18n } from '../i18n/index.tsx';
import { isRegionPrefix, regionName } from '../lib/regions.ts';
import { Link, navigate, useLocation } from '../lib/router.tsx';
import { useSession } from '../lib/sessionContext.tsx';

interface Row {
  id: string;
  stage: string;
  householdId: string;
  programme: string;
  department: string;
  regionCode: string;
  waitingDays: number;
  waitingHours: number;
  approvalInProgress: ApprovalInProgress | null;
}

/** The applications of a region per stage, filed first on top, with how long each has waited at its stage. */
export function ApplicationsPage() {
  const { t, label, programme, number, lang } = useI18n();
  const { session } = useSession();
  const { query } = useLocation();
  const fixedRegion = session.claims.role === 'CASEWORKER' ? session.claims.region ?? '' : null;
  const regionCode = fixedRegion ?? (query.get('region') || session.claims.region || '65');
  const stage = query.get('stage') ?? '';
  const [form, setForm] = useState({ region: regionCode, stage });
  const variables = isRegionPrefix(regionCode) ? { regionCode, first: 50, ...((STAGES as readonly string[]).includes(stage) ? { stage } : {}) } : null;
  const list = usePaged<Row>(APPLICATIONS, 'applications', variables);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const params = new URLSearchParams();
    if (fixedRegion === null && form.region.trim()) params.set('region', form.region.trim());
    if (form.stage) params.set('stage', form.stage);
    navigate(`/applications${params.size ? `?${params}` : ''}`);
  };
  return (
    <section aria-labelledby="apps-h">
      <h1 id="apps-h">{t('app.list.title')}</h1>
      <form className="filters" onSubmit={submit}>
        {fixedRegion === null && (
          <label>
            {t('app.list.region')}
            <input value={form.region} onChange={(e) => setForm({ ...form, region: e.target.value })} inputMode="numeric" />
          </label>
        )}
        <label>
          {t('app.list.stage')}
          <select value={form.stage} onChange={(e) => setForm({ ...form, stage: e.target.value })}>
            <option value="">{t('app.list.all')}</option>
            {STAGES.map((s) => (
              <option key={s} value={s}>{label('stage', s)}</option>
            ))}
          </select>
        </label>
        <button type="submit">{t('app.list.show')}</button>
      </form>
      <OutcomeView state={list.state}>
        {() =>
          list.nodes.length === 0 ? (
            <p className="muted">{t('app.list.none')}</p>
          ) : (
            <>
              <table className="results applications">
                <caption>{t('app.list.caption', { total: number(list.totalCount), shown: number(list.nodes.length) })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('app.list.id')}</th>
                    <th scope="col">{t('app.list.stage')}</th>
                    <th scope="col">{t('app.list.waiting')}</th>
                    <th scope="col">{t('app.list.programme')}</th>
                    <th scope="col">{t('app.list.household')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.nodes.map((a) => (
                    <tr key={a.id} data-application-id={a.id} data-stage={a.stage}>
                      <td><Link to={`/applications/${encodeURIComponent(a.id)}`}>{a.id}</Link></td>
                      <td>{a.approvalInProgress ? t(`app.approval.${a.approvalInProgress.status}`) : label('stage', a.stage)}</td>
                      <td>{a.waitingDays > 0 ? t('app.waitingDays', { days: number(a.waitingDays) }) : t('app.waitingHours', { hours: number(a.waitingHours) })}</td>
                      <td>{programme(a.programme)} · {label('dept', a.department)}</td>
                      <td>{a.householdId} · {regionName(a.regionCode, lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {list.moreError && <Notice kind="error">{list.moreError}</Notice>}
              {list.hasNextPage && (
                <button type="button" className="secondary" onClick={() => void list.more()} disabled={list.loadingMore}>{t('app.list.more')}</button>
              )}
            </>
          )
        }
      </OutcomeView>
    </section>
  );
}
