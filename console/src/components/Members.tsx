import type { Member } from '../api/types.ts';
import { useI18n } from '../i18n/index.tsx';
import { ageOn, todayIso } from '../lib/format.ts';

/** The household's members: full ID numbers here (the household page is where they are needed). */
export function Members({ members }: { members: Member[] }) {
  const { t, label, date } = useI18n();
  const today = todayIso();
  return (
    <table className="members">
      <caption>{t('member.caption', { count: members.length })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('member.name')}</th>
          <th scope="col">{t('member.relation')}</th>
          <th scope="col">{t('member.idNumber')}</th>
          <th scope="col">{t('member.gender')}</th>
          <th scope="col">{t('member.birthDate')}</th>
          <th scope="col">{t('member.age')}</th>
          <th scope="col">{t('member.status')}</th>
          <th scope="col">{t('member.certificates')}</th>
        </tr>
      </thead>
      <tbody>
        {members.map((m) => {
          const age = m.birthDate ? ageOn(m.birthDate, m.deathDate ?? today) : null;
          return (
            <tr key={m.id} className={m.deathDate ? 'deceased' : undefined}>
              <th scope="row">{m.name ?? ''}</th>
              <td>{label('relation', m.relation)}</td>
              <td className="mono">{m.id}</td>
              <td>{label('gender', m.gender)}</td>
              <td>{date(m.birthDate)}</td>
              <td>{age === null ? '' : m.deathDate ? t('member.ageAtDeath', { age }) : t('member.years', { age })}</td>
              <td>
                {m.deathDate ? <span className="badge badge-deceased">{t('member.deceased', { date: date(m.deathDate) })}</span> : t('member.alive')}
              </td>
              <td>
                {m.disabilityCertificates === null
                  ? t('member.certificatesUnavailable')
                  : (m.disabilityCertificates ?? []).map((c) => t('member.certificate', { category: label('value', c.category), grade: c.grade })).join('；')}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
