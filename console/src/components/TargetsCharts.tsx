import { TARGETS } from '../api/queries.ts';
import { useQuery } from '../api/useGraphQL.ts';
import { useI18n } from '../i18n/index.tsx';
import { countyName, regionName } from '../lib/regions.ts';
import { BarChart } from './BarChart.tsx';
import { OutcomeView } from './Outcome.tsx';

interface Rate {
  regionCode: string;
  centralized: number | null;
  dispersed: number | null;
  total: number | null;
  rate: number | null;
  met: boolean | null;
}
interface Relief {
  regionCode: string;
  cases: number | null;
  within24Hours: number | null;
  late: number | null;
  unrecorded: number | null;
  shareWithin24Hours: number | null;
}
interface Targets {
  regionCode: string;
  date: string;
  centralizedSupport: { goal: number; region: Rate; counties: Rate[] } | null;
  disasterRelief: { from: string; to: string; targetHours: number; region: Relief; counties: Relief[] } | null;
  coverageGaps: ({ kind: string; description: string; region: { persons: number | null; households: number | null } } | null)[] | null;
}

const pct = (share: number | null) => (share === null ? 0 : share * 100);

/** The policy's targets (assistanceTargets): 集中供养率, relief within 24 hours, coverage gaps. */
export function TargetsCharts({ regionCode, date }: { regionCode: string; date: string | null }) {
  const { t, lang, label, number, date: formatDate } = useI18n();
  const { state } = useQuery<{ assistanceTargets: Targets }>(TARGETS, { regionCode, date });
  const withheld = t('stats.withheld');
  return (
    <OutcomeView state={state} feature={t('targets.feature')}>
      {({ assistanceTargets: tg }) => {
        const rows = (list: { regionCode: string }[], region: { regionCode: string }) => [region, ...list.filter((c) => c.regionCode !== region.regionCode)];
        const placeName = (code: string) => (code === tg.regionCode ? t('targets.whole', { region: regionName(code, lang) }) : countyName(code, lang));
        const cs = tg.centralizedSupport;
        const dr = tg.disasterRelief;
        return (
          <div className="charts">
            {cs && (
              <div>
                <BarChart
                  title={t('targets.centralized', { goal: `${Math.round(cs.goal * 100)}%` })}
                  max={100}
                  format={(n) => `${n.toFixed(1)}%`}
                  target={{ value: cs.goal * 100, label: t('stats.target.line', { value: `${Math.round(cs.goal * 100)}%` }) }}
                  bars={(rows(cs.counties, cs.region) as Rate[]).map((r) => ({
                    label: placeName(r.regionCode),
                    value: pct(r.rate),
                    ...(r.rate === null ? { text: withheld, uncertain: true } : { text: `${(r.rate * 100).toFixed(1)}% (${number(r.centralized ?? 0)}/${number(r.total ?? 0)})${r.met ? ' ✓' : ''}` }),
                  }))}
                />
                <p className="hint">{cs.region.rate === null ? t('stats.target.unknownHint') : cs.region.met ? t('stats.target.met') : t('stats.target.notMet')}</p>
              </div>
            )}
            {dr && (
              <div>
                <BarChart
                  title={t('targets.relief', { hours: dr.targetHours, from: formatDate(dr.from), to: formatDate(dr.to) })}
                  max={100}
                  format={(n) => `${n.toFixed(1)}%`}
                  bars={(rows(dr.counties, dr.region) as Relief[]).map((r) => ({
                    label: placeName(r.regionCode),
                    value: pct(r.shareWithin24Hours),
                    ...(r.shareWithin24Hours === null
                      ? { text: r.cases === 0 ? t('targets.noCases') : withheld, uncertain: r.cases !== 0 }
                      : { text: `${(r.shareWithin24Hours * 100).toFixed(1)}% (${t('targets.late', { late: number(r.late ?? 0) })})` }),
                  }))}
                />
                {dr.region.unrecorded ? <p className="hint">{t('targets.unrecorded', { count: number(dr.region.unrecorded) })}</p> : null}
              </div>
            )}
            {tg.coverageGaps && (
              <BarChart
                title={t('targets.gaps')}
                format={number}
                bars={tg.coverageGaps.flatMap((g) =>
                  g ? [{ label: label('gap', g.kind), value: g.region.persons ?? 0, ...(g.region.persons === null ? { text: withheld, uncertain: true } : { text: t('targets.gapCount', { persons: number(g.region.persons), households: g.region.households === null ? withheld : number(g.region.households) }) }) }] : [],
                )}
              />
            )}
          </div>
        );
      }}
    </OutcomeView>
  );
}
