import { useMemo } from 'react';
import { HOUSEHOLD_PICTURE } from '../api/queries.ts';
import { DEPARTMENT_OF_FIELD, DETAIL_FIELDS, awardKey, type Award, type DetailsAward, type Finding, type HouseholdPicture } from '../api/types.ts';
import { useQuery } from '../api/useGraphQL.ts';
import { useSweep } from '../api/useSweep.ts';
import { AwardCards } from '../components/AwardCards.tsx';
import { EconomicSituation } from '../components/EconomicSituation.tsx';
import { FindingCard } from '../components/FindingCard.tsx';
import { Intake } from '../components/Intake.tsx';
import { Members } from '../components/Members.tsx';
import { Notice } from '../components/Notice.tsx';
import { OutcomeView } from '../components/Outcome.tsx';
import { SweepProgress } from '../components/SweepProgress.tsx';
import { Timeline } from '../components/Timeline.tsx';
import { useI18n } from '../i18n/index.tsx';
import type { Department } from '../lib/catalogue.ts';
import { regionName } from '../lib/regions.ts';
import { Link } from '../lib/router.tsx';
import { useSession } from '../lib/sessionContext.tsx';
import type { Unavailable } from '../api/outcome.ts';

/** The household picture: members, every department's aid as cards and as a timeline, findings. */
export function HouseholdPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { state, reload } = useQuery<{ household: HouseholdPicture | null }>(HOUSEHOLD_PICTURE, { id });
  return (
    <OutcomeView state={state}>
      {({ household }) => (household ? <Picture household={household} unavailable={state.kind === 'ok' ? state.unavailable : []} reload={reload} /> : <Notice kind="info" title={t('household.notFound', { id })} />)}
    </OutcomeView>
  );
}

function Picture({ household: h, unavailable, reload }: { household: HouseholdPicture; unavailable: Unavailable[]; reload: () => void }) {
  const { t, label, lang } = useI18n();
  const { session } = useSession();
  const sweep = useSweep(() => reload());
  const { names, details, awardsByKey, findingsByKey, down } = useMemo(() => {
    const names = new Map(h.members.map((m) => [m.id, m.name ?? m.id]));
    const details = new Map<string, DetailsAward>();
    const down = new Set<Department>(unavailable.flatMap((u) => (u.department ? [u.department] : [])));
    for (const m of h.members) {
      for (const field of DETAIL_FIELDS) {
        for (const d of m[field] ?? []) details.set(`${DEPARTMENT_OF_FIELD[field]}:${d.id}`, d);
      }
    }
    const awardsByKey = new Map<string, Award>((h.awards ?? []).map((a) => [awardKey(a), a]));
    const findingsByKey = new Map<string, Finding[]>();
    for (const f of h.duplicateAidFindings ?? []) for (const key of f.awardKeys) findingsByKey.set(key, [...(findingsByKey.get(key) ?? []), f]);
    return { names, details, awardsByKey, findingsByKey, down };
  }, [h, unavailable]);
  const findings = [...(h.duplicateAidFindings ?? [])].sort((a, b) => Number(b.status === 'OPEN') - Number(a.status === 'OPEN'));
  const open = findings.filter((f) => f.status === 'OPEN').length;
  const maySweep = session.claims.role === 'COORDINATOR' || session.claims.role === 'CASEWORKER';
  const sweepAction = maySweep ? (
    <>
      <button type="button" className="secondary" onClick={() => void sweep.start(h.regionCode)} disabled={sweep.state.kind === 'starting' || sweep.state.kind === 'running'}>
        {t('finding.sweepNow', { region: regionName(h.regionCode, lang) })}
      </button>
      <SweepProgress state={sweep.state} />
    </>
  ) : undefined;

  return (
    <article className="household" aria-labelledby="household-h">
      <header className="page-head">
        <div>
          <h1 id="household-h">{t('household.title', { id: h.id })}</h1>
          <p className="muted">
            {h.address ?? ''} · {label('hukou', h.hukou)} · {t('household.region', { region: regionName(h.regionCode, lang) })}
          </p>
        </div>
        <Link className="button" to={`/check?household=${encodeURIComponent(h.id)}`}>{t('household.checkProposal')}</Link>
      </header>

      <section aria-labelledby="findings-h" className={open ? 'findings has-open' : 'findings'}>
        <h2 id="findings-h">{t('finding.title', { open, total: findings.length })}</h2>
        {h.duplicateAidFindings === null ? (
          <Notice kind="warning">{t('finding.unavailable')}</Notice>
        ) : findings.length === 0 ? (
          <p className="muted">{t('finding.none')}</p>
        ) : (
          findings.map((f) => <FindingCard key={f.id} finding={f} awards={awardsByKey} names={names} onReviewed={reload} sweepAction={sweepAction} />)
        )}
      </section>

      <section aria-labelledby="members-h">
        <h2 id="members-h">{t('member.title')}</h2>
        <Members members={h.members} />
      </section>

      <EconomicSituation householdId={h.id} />

      {session.claims.role === 'CASEWORKER' && <Intake householdId={h.id} members={h.members} />}

      <section aria-labelledby="awards-h">
        <h2 id="awards-h">{t('awards.title', { count: h.awards?.length ?? 0 })}</h2>
        {h.awards === null ? (
          <Notice kind="warning">{t('awards.unavailable')}</Notice>
        ) : (
          <>
            <Timeline awards={h.awards} findingsByKey={findingsByKey} names={names} />
            <AwardCards awards={h.awards} details={details} findingsByKey={findingsByKey} names={names} unavailable={down} />
          </>
        )}
      </section>
    </article>
  );
}
