import { useEffect, useId, useState, type FormEvent } from 'react';
import { FINDINGS_OVERVIEW } from '../api/queries.ts';
import { useQuery } from '../api/useGraphQL.ts';
import { useSweep } from '../api/useSweep.ts';
import { BarChart, type Bar } from '../components/BarChart.tsx';
import { Notice } from '../components/Notice.tsx';
import { OutcomeView } from '../components/Outcome.tsx';
import { StatisticsCharts } from '../components/StatisticsCharts.tsx';
import { SweepList } from '../components/SweepList.tsx';
import { SweepProgress } from '../components/SweepProgress.tsx';
import { TargetsCharts } from '../components/TargetsCharts.tsx';
import { useI18n } from '../i18n/index.tsx';
import { todayIso } from '../lib/format.ts';
import { countyName, isRegionPrefix, regionLabel } from '../lib/regions.ts';
import { useSession } from '../lib/sessionContext.tsx';

interface FindingNode {
  id: string;
  rule: string;
  householdId: string | null;
  /** The household's region (the finding's own field: no household lookup, no access-log entry per household). */
  regionCode: string | null;
  status: string;
  departments: string[];
}
interface Overview {
  duplicateAidFindings: { totalCount: number; pageInfo: { hasNextPage: boolean }; edges: { node: FindingNode }[] };
}

function countBy<T>(items: T[], key: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

/** The leading group office's overview: findings by rule and county, sweeps, coverage, targets. */
export function DashboardPage() {
  const { t, lang } = useI18n();
  const { session } = useSession();
  const regionId = useId();
  const initial = session.claims.region ?? '65';
  const [input, setInput] = useState(initial);
  const [region, setRegion] = useState(initial);
  const overview = useQuery<Overview>(FINDINGS_OVERVIEW, { regionCode: region });
  const sweep = useSweep(() => overview.reload());
  // The list of sweeps shows a sweep once it is asked for, and again when it has ended.
  const [sweepsChanged, setSweepsChanged] = useState(0);
  useEffect(() => {
    if (sweep.state.kind === 'running' || sweep.state.kind === 'done' || sweep.state.kind === 'failed') setSweepsChanged((n) => n + 1);
  }, [sweep.state.kind]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (isRegionPrefix(input.trim())) setRegion(input.trim());
  };

  return (
    <section aria-labelledby="dash-h" className="dashboard">
      <h1 id="dash-h">{t('dash.title')}</h1>
      <form className="card inline-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={regionId}>{t('dash.region')}</label>
          <input id={regionId} value={input} onChange={(e) => setInput(e.target.value)} inputMode="numeric" aria-invalid={!isRegionPrefix(input.trim())} />
        </div>
        <button type="submit" className="secondary">{t('dash.show')}</button>
        <button type="button" onClick={() => void sweep.start(region)} disabled={sweep.state.kind === 'starting' || sweep.state.kind === 'running'}>
          {t('dash.runSweep', { region: regionLabel(region, lang) })}
        </button>
      </form>
      <SweepProgress state={sweep.state} />

      <h2>{t('dash.findings')}</h2>
      <OutcomeView state={overview.state}>{(data) => <FindingCharts data={data} />}</OutcomeView>

      <SweepList regionCode={region} refresh={sweepsChanged} />

      <h2>{t('dash.coverage')}</h2>
      <TargetsCharts regionCode={region} date={todayIso()} />
      <StatisticsCharts regionCode={region} date={todayIso()} />
    </section>
  );
}

function FindingCharts({ data }: { data: Overview }) {
  const { t, label, number, lang } = useI18n();
  const nodes = data.duplicateAidFindings.edges.map((e) => e.node);

  if (!nodes.length) return <Notice kind="info">{t('dash.noFindings')}</Notice>;
  const byStatus = countBy(nodes, (n) => n.status);
  const toBars = (entries: [string, number][], name: (k: string) => string): Bar[] => entries.map(([k, v]) => ({ label: name(k), value: v }));
  return (
    <>
      <p className="summary" data-testid="findings-total">
        {t('dash.total', { total: number(data.duplicateAidFindings.totalCount) })}{' '}
        {byStatus.map(([s, n]) => `${label('findingStatus', s)} ${number(n)}`).join(' · ')}
        {data.duplicateAidFindings.pageInfo.hasNextPage ? ` ${t('dash.firstPage', { count: number(nodes.length) })}` : ''}
      </p>
      <div className="charts">
        <BarChart title={t('dash.byRule')} format={number} bars={toBars(countBy(nodes, (n) => n.rule), (k) => label('rule', k))} />
        <BarChart
          title={t('dash.byCounty')}
          format={number}
          bars={toBars(countBy(nodes, (n) => n.regionCode?.slice(0, 6) || '?'), (k) => (k === '?' ? t('dash.unknownCounty') : countyName(k, lang)))}
        />
        <BarChart title={t('dash.byDepartment')} format={number} bars={toBars(countBy(nodes.flatMap((n) => n.departments), (d) => d), (k) => label('dept', k))} />
      </div>
    </>
  );
}
