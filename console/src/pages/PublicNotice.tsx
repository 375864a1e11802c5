import { useState } from 'react';
import { PUBLIC_NOTICE } from '../api/casework.ts';
import { useQuery } from '../api/useGraphQL.ts';
import { OutcomeView } from '../components/Outcome.tsx';
import { useI18n } from '../i18n/index.tsx';
import { isRegionPrefix, regionName } from '../lib/regions.ts';
import { useSession } from '../lib/sessionContext.tsx';

interface Entry {
  applicationId: string;
  maskedName: string;
  regionCode: string;
  programme: string;
  householdSize: number;
  amountFen: number | null;
  noticeStart: string;
  noticeEnd: string;
}

/** 公示: the applications in notice, masked, laid out to print and post (the page's print styles hide the rest). */
export function PublicNoticePage() {
  const { t, programme, money, date, lang } = useI18n();
  const { session } = useSession();
  const [region, setRegion] = useState(session.claims.region ?? '6540');
  const { state } = useQuery<{ publicNotice: Entry[] }>(PUBLIC_NOTICE, isRegionPrefix(region) ? { regionCode: region } : null);
  return (
    <section aria-labelledby="notice-h" className="public-notice">
      <div className="no-print filters">
        <label>
          {t('app.list.region')}
          <input value={region} onChange={(e) => setRegion(e.target.value.trim())} inputMode="numeric" />
        </label>
        <button type="button" onClick={() => window.print()}>{t('notice.print')}</button>
      </div>
      <h1 id="notice-h">{t('notice.title')}</h1>
      <p>{regionName(region, lang)}。{t('notice.lead')}</p>
      <OutcomeView state={state}>
        {({ publicNotice }) =>
          publicNotice.length === 0 ? (
            <p className="muted">{t('notice.none')}</p>
          ) : (
            <table className="results notice">
              <thead>
                <tr>
                  <th scope="col">{t('notice.name')}</th>
                  <th scope="col">{t('app.list.region')}</th>
                  <th scope="col">{t('app.list.programme')}</th>
                  <th scope="col">{t('notice.size')}</th>
                  <th scope="col">{t('notice.amount')}</th>
                  <th scope="col">{t('notice.period')}</th>
                </tr>
              </thead>
              <tbody>
                {publicNotice.map((e) => (
                  <tr key={e.applicationId}>
                    <td>{e.maskedName}</td>
                    <td>{regionName(e.regionCode, lang)}</td>
                    <td>{programme(e.programme)}</td>
                    <td>{e.householdSize}</td>
                    <td>{e.amountFen === null ? '—' : money(e.amountFen)}</td>
                    <td>{date(e.noticeStart)} – {date(e.noticeEnd)}</td>
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
