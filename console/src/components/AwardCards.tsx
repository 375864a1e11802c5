import type { Award, DetailsAward, Finding } from '../api/types.ts';
import { awardKey } from '../api/types.ts';
import { useI18n } from '../i18n/index.tsx';
import { DEPARTMENTS, type Department } from '../lib/catalogue.ts';
import { AwardDetails } from './AwardDetails.tsx';
import { STATUS_CLASS } from './status.ts';

interface Props {
  awards: Award[];
  details: Map<string, DetailsAward>;
  findingsByKey: Map<string, Finding[]>;
  names: Map<string, string>;
  unavailable: Set<Department>;
}

/** Every department's aid to the household, one section per department (all seven, always). */
export function AwardCards({ awards, details, findingsByKey, names, unavailable }: Props) {
  const { t, label } = useI18n();
  return (
    <div className="departments">
      {DEPARTMENTS.map((dept) => {
        const mine = awards.filter((a) => a.department === dept);
        return (
          <section key={dept} className="department" aria-labelledby={`dept-${dept}`} data-department={dept}>
            <h3 id={`dept-${dept}`}>
              {label('dept', dept)} <span className="dept-long">{label('deptLong', dept)}</span>
            </h3>
            {unavailable.has(dept) ? (
              <p className="dept-unavailable">{t('awards.departmentUnavailable')}</p>
            ) : mine.length === 0 ? (
              <p className="muted">{t('awards.none')}</p>
            ) : (
              <ul className="award-list">
                {mine.map((a) => (
                  <AwardCard key={awardKey(a)} award={a} details={details.get(awardKey(a))} findings={findingsByKey.get(awardKey(a)) ?? []} person={names.get(a.personId) ?? a.personId} />
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </div>
  );
}

function AwardCard({ award: a, details, findings, person }: { award: Award; details: DetailsAward | undefined; findings: Finding[]; person: string }) {
  const { t, label, programme, money, date } = useI18n();
  const open = findings.filter((f) => f.status === 'OPEN');
  return (
    <li className={`award card${open.length ? ' has-finding' : findings.length ? ' had-finding' : ''}`} data-award-key={awardKey(a)}>
      <div className="award-head">
        <h4>{programme(a.programme)}</h4>
        <span className={`status ${STATUS_CLASS[a.status] ?? ''}`}>{label('status', a.status)}</span>
      </div>
      <p className="award-person">{person}</p>
      <p className="award-amount">
        <strong>{money(a.amountFen)}</strong> {label('frequency', a.frequency)}
      </p>
      <p className="award-period">
        {/* A one-off payment with no end date is paid on its start date only. */}
        {a.frequency === 'ONCE' && (!a.endDate || a.endDate === a.startDate) ? date(a.startDate) : `${date(a.startDate)} – ${a.endDate ? date(a.endDate) : t('awards.ongoing')}`}
      </p>
      <p className="award-id mono">{t('awards.id', { id: a.id })}</p>
      <AwardDetails details={details} />
      {findings.map((f) => (
        <a key={f.id} href={`#finding-${f.id}`} className={`finding-flag${f.status === 'OPEN' ? '' : ' reviewed'}`}>
          {f.status === 'OPEN' ? '⚠ ' : ''}
          {t('awards.findingFlag', { rule: label('rule', f.rule), status: label('findingStatus', f.status) })}
        </a>
      ))}
    </li>
  );
}
