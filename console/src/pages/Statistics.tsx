import { useId, useState, type FormEvent } from 'react';
import { CsvDownload } from '../components/CsvDownload.tsx';
import { Notice } from '../components/Notice.tsx';
import { StatisticsCharts } from '../components/StatisticsCharts.tsx';
import { TargetsCharts } from '../components/TargetsCharts.tsx';
import { useI18n } from '../i18n/index.tsx';
import { isValidIsoDate, lastMonthEndIso, todayIso } from '../lib/format.ts';
import { isRegionPrefix } from '../lib/regions.ts';
import { useSession } from '../lib/sessionContext.tsx';

/** Cross-programme statistics (no person-level data; small counts are suppressed by the graph). */
export function StatisticsPage() {
  const { t } = useI18n();
  const { session } = useSession();
  const ids = { region: useId(), date: useId() };
  const initial = session.claims.region ?? '65';
  // The coordination office and caseworkers get exact figures for any day; everyone else gets
  // published ones, given for month ends that have passed (the graph refuses other days).
  const exact = session.claims.role === 'COORDINATOR' || session.claims.role === 'CASEWORKER';
  const initialDate = exact ? todayIso() : lastMonthEndIso();
  const [region, setRegion] = useState(initial);
  const [date, setDate] = useState(initialDate);
  const [shown, setShown] = useState({ region: initial, date: initialDate });
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!isRegionPrefix(region.trim())) return setProblem(t('search.badRegion'));
    if (!isValidIsoDate(date)) return setProblem(t('check.err.start'));
    setProblem(null);
    setShown({ region: region.trim(), date });
  };
  return (
    <section aria-labelledby="stats-h">
      <h1 id="stats-h">{t('stats.title')}</h1>
      <form className="card inline-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={ids.region}>{t('dash.region')}</label>
          <input id={ids.region} value={region} onChange={(e) => setRegion(e.target.value)} inputMode="numeric" />
        </div>
        <div className="field">
          <label htmlFor={ids.date}>{t('stats.date')}</label>
          <input id={ids.date} type="date" value={date} onChange={(e) => setDate(e.target.value)} />
        </div>
        <button type="submit">{t('dash.show')}</button>
      </form>
      {problem && <Notice kind="error">{problem}</Notice>}
      <p className="hint">{t(exact ? 'stats.exact' : 'stats.privacy')}</p>
      <CsvDownload regionCode={shown.region} date={shown.date} />
      <TargetsCharts regionCode={shown.region} date={shown.date} />
      <StatisticsCharts regionCode={shown.region} date={shown.date} table />
    </section>
  );
}
