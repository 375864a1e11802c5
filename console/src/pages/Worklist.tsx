import { useEffect, useId, useState, type FormEvent } from 'react';
import { WORKLIST } from '../api/queries.ts';
import { usePaged } from '../api/usePaged.ts';
import { useSweep } from '../api/useSweep.ts';
import { Notice } from '../components/Notice.tsx';
import { OutcomeView } from '../components/Outcome.tsx';
import { SweepList } from '../components/SweepList.tsx';
import { SweepProgress } from '../components/SweepProgress.tsx';
import { useI18n } from '../i18n/index.tsx';
import { DEPARTMENTS, isDepartment } from '../lib/catalogue.ts';
import { todayIso, dayNumber } from '../lib/format.ts';
import { isRegionPrefix, regionLabel, regionName } from '../lib/regions.ts';
import { Link, navigate, useLocation } from '../lib/router.tsx';
import { useSession } from '../lib/sessionContext.tsx';

/** The rules a finding can come from (keep in sync with the `rule.*` labels). */
const RULES = ['SAME_PROGRAMME_OVERLAP', 'EXCLUSIVE_PROGRAMMES', 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES', 'AWARD_AFTER_DEATH', 'POSSIBLE_DUPLICATE_IDENTITY'] as const;

interface WorkItem {
  id: string;
  rule: string;
  householdId: string | null;
  regionCode: string | null;
  departments: string[];
  programmes: string[];
  firstSeenAt: string | null;
}

/**
 * A caseworker's worklist: the open findings in their jurisdiction, the oldest first, filtered by
 * rule and department (kept in the address, so a filtered list can be bookmarked and Back works),
 * each linking to its household. Below, the region's sweeps and a button to run one.
 */
export function WorklistPage() {
  const { t, label, programme, date, number, lang } = useI18n();
  const { session } = useSession();
  const { query } = useLocation();
  const ids = { region: useId(), rule: useId(), dept: useId() };
  const fixedRegion = session.claims.role === 'CASEWORKER' ? session.claims.region ?? '' : null;
  const regionCode = fixedRegion ?? (query.get('region') || session.claims.region || '65');
  const rule = query.get('rule') ?? '';
  const department = query.get('department') ?? '';
  const [form, setForm] = useState({ region: regionCode, rule, department });
  useEffect(() => setForm({ region: regionCode, rule, department }), [regionCode, rule, department]);

  const variables = isRegionPrefix(regionCode)
    ? { regionCode, ...((RULES as readonly string[]).includes(rule) ? { rule } : {}), ...(isDepartment(department) ? { department } : {}) }
    : null;
  const list = usePaged<WorkItem>(WORKLIST, 'duplicateAidFindings', variables);
  const sweep = useSweep(() => list.reload());
  const [sweepsChanged, setSweepsChanged] = useState(0);
  useEffect(() => {
    if (sweep.state.kind === 'running' || sweep.state.kind === 'done' || sweep.state.kind === 'failed') setSweepsChanged((n) => n + 1);
  }, [sweep.state.kind]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const params = new URLSearchParams();
    if (fixedRegion === null && form.region.trim()) params.set('region', form.region.trim());
    if (form.rule) params.set('rule', form.rule);
    if (form.department) params.set('department', form.department);
    navigate(params.toString() ? `/worklist?${params}` : '/worklist');
  };

  const today = dayNumber(todayIso());
  const waited = (at: string | null) => {
    if (!at) return '';
    const days = Math.max(0, today - dayNumber(todayIso(new Date(at))));
    return t('work.days', { days: number(days) });
  };

  return (
    <section aria-labelledby="work-h">
      <h1 id="work-h">{t('work.title')}</h1>
      <p className="lead">{t('work.lead')}</p>
      <form className="card inline-form" onSubmit={submit}>
        {fixedRegion === null ? (
          <div className="field">
            <label htmlFor={ids.region}>{t('dash.region')}</label>
            <input id={ids.region} value={form.region} onChange={(e) => setForm({ ...form, region: e.target.value })} inputMode="numeric" aria-invalid={!isRegionPrefix(form.region.trim())} />
          </div>
        ) : (
          <p className="region-fixed">{t('search.within', { region: regionLabel(fixedRegion, lang) })}</p>
        )}
        <div className="field">
          <label htmlFor={ids.rule}>{t('work.rule')}</label>
          <select id={ids.rule} value={form.rule} onChange={(e) => setForm({ ...form, rule: e.target.value })}>
            <option value="">{t('work.all')}</option>
            {RULES.map((r) => <option key={r} value={r}>{label('rule', r)}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.dept}>{t('work.department')}</label>
          <select id={ids.dept} value={form.department} onChange={(e) => setForm({ ...form, department: e.target.value })}>
            <option value="">{t('work.all')}</option>
            {DEPARTMENTS.map((d) => <option key={d} value={d}>{label('deptLong', d)}</option>)}
          </select>
        </div>
        <button type="submit">{t('work.filter')}</button>
      </form>
      {!isRegionPrefix(regionCode) && <Notice kind="error">{t('search.badRegion')}</Notice>}

      <OutcomeView state={list.state}>
        {() =>
          list.nodes.length === 0 ? (
            <Notice kind="info" title={t('work.none')}>{t('work.noneHint')}</Notice>
          ) : (
            <>
              <div className="table-scroll">
                <table className="results worklist">
                  <caption>{t('work.caption', { total: number(list.totalCount), shown: number(list.nodes.length) })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('work.firstSeen')}</th>
                      <th scope="col">{t('work.waiting')}</th>
                      <th scope="col">{t('work.rule')}</th>
                      <th scope="col">{t('work.household')}</th>
                      <th scope="col">{t('work.region')}</th>
                      <th scope="col">{t('work.programmes')}</th>
                      <th scope="col">{t('work.contact')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.nodes.map((f) => (
                      <tr key={f.id} data-finding-id={f.id}>
                        <td>{f.firstSeenAt ? date(todayIso(new Date(f.firstSeenAt))) : ''}</td>
                        <td>{waited(f.firstSeenAt)}</td>
                        <td>{label('rule', f.rule)}</td>
                        <td>{f.householdId ? <Link to={`/households/${encodeURIComponent(f.householdId)}`}>{f.householdId}</Link> : t('work.noHousehold')}</td>
                        <td>{f.regionCode ? regionName(f.regionCode, lang) : ''}</td>
                        <td>{[...new Set(f.programmes)].map((p) => programme(p)).join('、')}</td>
                        <td className="contact">{f.departments.map((d) => label('dept', d)).join('、')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {list.moreError && <Notice kind="error">{list.moreError}</Notice>}
              {list.hasNextPage && (
                <button type="button" className="secondary" onClick={() => void list.more()} disabled={list.loadingMore}>
                  {t('work.more')}
                </button>
              )}
            </>
          )
        }
      </OutcomeView>

      {variables && (
        <>
          <div className="sweep-action">
            <button type="button" className="secondary" onClick={() => void sweep.start(regionCode)} disabled={sweep.state.kind === 'starting' || sweep.state.kind === 'running'}>
              {t('dash.runSweep', { region: regionLabel(regionCode, lang) })}
            </button>
            <SweepProgress state={sweep.state} />
          </div>
          <SweepList regionCode={regionCode} refresh={sweepsChanged} />
        </>
      )}
    </section>
  );
}
