import { STATISTICS } from '../api/queries.ts';
import { useQuery } from '../api/useGraphQL.ts';
import { useI18n } from '../i18n/index.tsx';
import { countyName } from '../lib/regions.ts';
import { BarChart } from './BarChart.tsx';
import { Notice } from './Notice.tsx';
import { OutcomeView } from './Outcome.tsx';
import { totalsByProgramme, type StatisticsRow } from './statistics.ts';

/** Programme coverage (beneficiaries per programme) from assistanceStatistics; the table on request. */
export function StatisticsCharts({ regionCode, date, table = false }: { regionCode: string; date: string | null; table?: boolean }) {
  const { t, programme, number, money, lang } = useI18n();
  const { state } = useQuery<{ assistanceStatistics: (StatisticsRow | null)[] }>(STATISTICS, { regionCode, date });
  return (
    <OutcomeView state={state} feature={t('stats.feature')}>
      {({ assistanceStatistics: items }) => {
        // A department that did not answer leaves a null item; the banner above names it.
        const rows = items.filter((r): r is StatisticsRow => r !== null);
        if (!rows.length) return <Notice kind="info">{t('stats.none')}</Notice>;
        const totals = totalsByProgramme(rows);
        return (
          <>
            <div className="charts">
              <BarChart
                title={t('stats.coverage')}
                format={(n) => number(n)}
                bars={totals.map((p) => ({ label: programme(p.programme), value: p.beneficiaries, uncertain: p.suppressed, ...(p.suppressed ? { text: p.beneficiaries ? `≥ ${number(p.beneficiaries)}` : t('stats.suppressed') } : {}) }))}
              />
            </div>
            {table && (
              <table className="results">
                <caption>{t('stats.table', { count: rows.length })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('stats.programme')}</th>
                    <th scope="col">{t('stats.county')}</th>
                    <th scope="col" className="num">{t('stats.beneficiaries')}</th>
                    <th scope="col" className="num">{t('stats.households')}</th>
                    <th scope="col" className="num">{t('stats.amount')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={`${r.programme}-${r.regionCode}`}>
                      <td>{programme(r.programme)}</td>
                      <td>{countyName(r.regionCode, lang)}</td>
                      <td className="num">{r.beneficiaries === null ? t('stats.suppressed') : number(r.beneficiaries)}</td>
                      <td className="num">{r.households === null ? t('stats.suppressed') : number(r.households)}</td>
                      <td className="num">{r.amountFen === null ? t('stats.withheld') : money(r.amountFen)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        );
      }}
    </OutcomeView>
  );
}
