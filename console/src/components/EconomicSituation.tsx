import { HOUSEHOLD_MEANS } from '../api/queries.ts';
import type { HouseholdMeans } from '../api/types.ts';
import { useQuery } from '../api/useGraphQL.ts';
import { useI18n } from '../i18n/index.tsx';
import { todayIso } from '../lib/format.ts';
import { covers, incomePerHead, minimumLivingProgramme } from '../lib/means.ts';
import { Notice } from './Notice.tsx';
import { OutcomeView } from './Outcome.tsx';

/**
 * 经济状况: each member's incomes (人社) and properties (住建), and the household's income per head
 * today beside the local 低保 standard (民政). Display only: whether the household qualifies is
 * the economic check's (核对) conclusion, not this page's. Its own query, so that a graph without
 * these fields, or a refusal of them, leaves the rest of the household page as it is.
 */
export function EconomicSituation({ householdId }: { householdId: string }) {
  const { t } = useI18n();
  const today = todayIso();
  const { state } = useQuery<{ household: HouseholdMeans | null }>(HOUSEHOLD_MEANS, { id: householdId, date: today });
  return (
    <section aria-labelledby="means-h" className="means">
      <h2 id="means-h">{t('means.title')}</h2>
      <OutcomeView state={state} feature={t('means.title')}>
        {({ household }) => (household ? <Means household={household} today={today} /> : null)}
      </OutcomeView>
    </section>
  );
}

function Means({ household: h, today }: { household: HouseholdMeans; today: string }) {
  const { t, label, money, date, number, programme } = useI18n();
  const head = incomePerHead(h.members, today);
  const lowProgramme = minimumLivingProgramme(h.hukou);
  const standard = h.assistanceStandards?.find((s) => s.programme === lowProgramme) ?? null;
  const incomes = h.members.flatMap((m) => (m.incomes ?? []).map((i) => ({ member: m, income: i })));
  const properties = h.members.flatMap((m) => (m.properties ?? []).map((p) => ({ member: m, property: p })));
  const name = (m: HouseholdMeans['members'][number]) => `${m.name ?? m.id}（${label('relation', m.relation)}）`;
  const period = (from: string, to: string | null) => t('means.periodValue', { from: date(from), to: to ? date(to) : t('means.ongoing') });
  const incomeState = (from: string, to: string | null) => (covers(from, to, today) ? t('means.current') : from > today ? t('means.notYet') : t('means.ended'));

  return (
    <>
      <dl className="means-summary" data-testid="means-summary">
        <dt>{t('means.perHead', { date: date(today) })}</dt>
        <dd>
          {head.perHeadFen === null
            ? t('means.incomesUnavailable')
            : t('means.perHeadValue', { amount: money(head.perHeadFen), total: money(head.totalFen), members: head.members })}
        </dd>
        <dt>{t('means.standard', { programme: programme(lowProgramme) })}</dt>
        <dd>
          {h.assistanceStandards === null
            ? t('means.standardUnavailable')
            : standard
              ? t('means.standardValue', { amount: money(standard.monthlyFen), region: standard.regionCode, period: period(standard.startDate, standard.endDate) })
              : t('means.noStandard')}
        </dd>
        {standard && head.perHeadFen !== null && (
          <>
            <dt>{t('means.comparison')}</dt>
            <dd>
              <span className={head.perHeadFen < standard.monthlyFen ? 'badge badge-below' : 'badge badge-above'}>
                {head.perHeadFen < standard.monthlyFen ? t('means.below') : t('means.notBelow')}
              </span>
            </dd>
          </>
        )}
      </dl>
      <p className="muted">{t('means.note')}</p>

      <h3 id="incomes-h">{t('means.incomes')}</h3>
      {h.members.some((m) => m.incomes === null) && <Notice kind="warning">{t('means.incomesUnavailable')}</Notice>}
      {incomes.length === 0 ? (
        <p className="muted">{t('means.noIncomes')}</p>
      ) : (
        <table className="incomes" aria-labelledby="incomes-h">
          <caption>{t('means.incomesCaption', { count: incomes.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('means.member')}</th>
              <th scope="col">{t('means.source')}</th>
              <th scope="col">{t('means.monthly')}</th>
              <th scope="col">{t('means.period')}</th>
              <th scope="col">{t('means.state')}</th>
            </tr>
          </thead>
          <tbody>
            {incomes.map(({ member, income: i }) => (
              <tr key={i.id} className={covers(i.startDate, i.endDate, today) ? undefined : 'muted'}>
                <th scope="row">{name(member)}</th>
                <td>{label('incomeSource', i.source)}</td>
                <td className="num">{money(i.monthlyFen)}</td>
                <td>{period(i.startDate, i.endDate)}</td>
                <td>{incomeState(i.startDate, i.endDate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3 id="properties-h">{t('means.properties')}</h3>
      {h.members.some((m) => m.properties === null) && <Notice kind="warning">{t('means.propertiesUnavailable')}</Notice>}
      {properties.length === 0 ? (
        <p className="muted">{t('means.noProperties')}</p>
      ) : (
        <table className="properties" aria-labelledby="properties-h">
          <caption>{t('means.propertiesCaption', { count: properties.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('means.member')}</th>
              <th scope="col">{t('means.kind')}</th>
              <th scope="col">{t('means.area')}</th>
              <th scope="col">{t('means.acquired')}</th>
              <th scope="col">{t('means.disposed')}</th>
            </tr>
          </thead>
          <tbody>
            {properties.map(({ member, property: p }) => (
              <tr key={p.id} className={p.disposedDate !== null && p.disposedDate < today ? 'muted' : undefined}>
                <th scope="row">{name(member)}</th>
                <td>{label('propertyKind', p.kind)}</td>
                <td className="num">{t('means.areaValue', { area: number(p.areaSqm) })}</td>
                <td>{date(p.acquiredDate)}</td>
                <td>{p.disposedDate ? date(p.disposedDate) : t('means.held')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
