import { useEffect } from 'react';
import { SWEEPS } from '../api/queries.ts';
import { usePaged } from '../api/usePaged.ts';
import type { Sweep } from '../api/useSweep.ts';
import { useI18n } from '../i18n/index.tsx';
import { regionLabel } from '../lib/regions.ts';
import { Notice } from './Notice.tsx';
import { OutcomeView } from './Outcome.tsx';

/**
 * The sweeps of a region, the latest asked for first (queued and running ones too), with their
 * ids: what was checked when, and what it found. `refresh` changing reloads the list (a sweep
 * started or ended on the page).
 */
export function SweepList({ regionCode, refresh = 0 }: { regionCode: string; refresh?: number }) {
  const { t, label, number, dateTime, lang } = useI18n();
  const list = usePaged<Omit<Sweep, 'personsChecked'>>(SWEEPS, 'duplicateAidSweeps', { regionCode });
  const { reload } = list;
  useEffect(() => {
    if (refresh) reload();
  }, [refresh, reload]);
  return (
    <section className="sweep-list" aria-labelledby="sweeps-h">
      <h2 id="sweeps-h">{t('sweeps.title')}</h2>
      <OutcomeView state={list.state} feature="duplicateAidSweeps">
        {() =>
          list.nodes.length === 0 ? (
            <p className="muted">{t('sweeps.none')}</p>
          ) : (
            <>
              <div className="table-scroll">
                <table className="results sweeps">
                  <caption>{t('sweeps.caption', { total: number(list.totalCount) })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('sweeps.started')}</th>
                      <th scope="col">{t('sweeps.region')}</th>
                      <th scope="col">{t('sweeps.status')}</th>
                      <th scope="col" className="num">{t('sweeps.households')}</th>
                      <th scope="col" className="num">{t('sweeps.findings')}</th>
                      <th scope="col">{t('sweeps.finished')}</th>
                      <th scope="col">{t('sweeps.id')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.nodes.map((s) => (
                      <tr key={s.id} data-sweep-id={s.id} data-status={s.status}>
                        <td>{dateTime(s.startedAt)}</td>
                        <td>{regionLabel(s.regionCode, lang)}</td>
                        <td>
                          {label('sweepStatus', s.status)}
                          {s.error ? <span className="muted">{` — ${s.error}`}</span> : null}
                        </td>
                        <td className="num">{`${number(s.householdsChecked)} / ${s.householdsTotal === null ? '?' : number(s.householdsTotal)}`}</td>
                        <td className="num">{`${number(s.findingsCount)} (+${number(s.newCount)} / −${number(s.goneCount)})`}</td>
                        <td>{dateTime(s.finishedAt)}</td>
                        <td className="mono sweep-id">{s.id}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {list.moreError && <Notice kind="error">{list.moreError}</Notice>}
              {list.hasNextPage && (
                <button type="button" className="secondary" onClick={() => void list.more()} disabled={list.loadingMore}>
                  {t('sweeps.more')}
                </button>
              )}
            </>
          )
        }
      </OutcomeView>
    </section>
  );
}
