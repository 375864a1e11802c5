import { useId, useMemo, useState, type FormEvent } from 'react';
import { CHECK_PROPOSED_AWARD, HOUSEHOLD_MEMBERS } from '../api/queries.ts';
import type { Finding } from '../api/types.ts';
import { useGraphQL, useQuery, type QueryState } from '../api/useGraphQL.ts';
import { FindingCard } from '../components/FindingCard.tsx';
import { Notice } from '../components/Notice.tsx';
import { OutcomeView } from '../components/Outcome.tsx';
import { useI18n } from '../i18n/index.tsx';
import { DEPARTMENTS, programmesOf, type Department } from '../lib/catalogue.ts';
import { isValidIsoDate, parseYuan, todayIso } from '../lib/format.ts';
import { isRegionPrefix } from '../lib/regions.ts';
import { navigate, useLocation } from '../lib/router.tsx';
import { useSession } from '../lib/sessionContext.tsx';

const FREQUENCIES = ['MONTHLY', 'QUARTERLY', 'YEARLY', 'ONCE'] as const;

interface HouseholdMembers {
  id: string;
  regionCode: string;
  members: { id: string; name: string | null; relation: string | null; deathDate: string | null }[];
}

/** Before granting: the findings a proposed award would cause (pending awards count). */
export function CheckAwardPage() {
  const { t, label, programme } = useI18n();
  const { session } = useSession();
  const run = useGraphQL();
  const { query } = useLocation();
  const householdId = query.get('household') ?? '';
  const officerDept = session.claims.role === 'DEPARTMENT_OFFICER' ? session.claims.department ?? null : null;
  const ids = { hh: useId(), dept: useId(), prog: useId(), person: useId(), region: useId(), start: useId(), end: useId(), amount: useId(), freq: useId() };

  const members = useQuery<{ household: HouseholdMembers | null }>(HOUSEHOLD_MEMBERS, householdId ? { id: householdId } : null);
  const household = members.state.kind === 'ok' ? members.state.data.household : null;

  const [hhInput, setHhInput] = useState(householdId);
  const [department, setDepartment] = useState<Department | ''>(officerDept ?? '');
  const [prog, setProg] = useState('');
  const [personId, setPersonId] = useState('');
  const [region, setRegion] = useState('');
  const [start, setStart] = useState(todayIso());
  const [end, setEnd] = useState('');
  const [amount, setAmount] = useState('');
  const [frequency, setFrequency] = useState<string>('MONTHLY');
  const [errors, setErrors] = useState<string[]>([]);
  const [result, setResult] = useState<QueryState<{ checkProposedAward: Finding[] }>>({ kind: 'idle' });
  const programmes = useMemo(() => programmesOf(department), [department]);
  const regionCode = region || household?.regionCode || (session.claims.region && session.claims.region.length >= 6 ? session.claims.region : '');

  const loadHousehold = (e: FormEvent) => {
    e.preventDefault();
    navigate(hhInput.trim() ? `/check?household=${encodeURIComponent(hhInput.trim())}` : '/check');
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems: string[] = [];
    const fen = parseYuan(amount);
    if (!department) problems.push(t('check.err.department'));
    if (!prog) problems.push(t('check.err.programme'));
    if (!/^\d{17}[\dX]$/.test(personId)) problems.push(t('check.err.person'));
    if (!isRegionPrefix(regionCode) || regionCode.length < 6) problems.push(t('check.err.region'));
    if (!isValidIsoDate(start)) problems.push(t('check.err.start'));
    if (end && (!isValidIsoDate(end) || end < start)) problems.push(t('check.err.end'));
    if (fen === null) problems.push(t('check.err.amount'));
    setErrors(problems);
    if (problems.length || fen === null) return;
    setResult({ kind: 'loading' });
    const award = {
      department,
      programme: prog,
      personId,
      ...(household ? { householdId: household.id } : {}),
      regionCode,
      amountFen: fen,
      frequency,
      startDate: start,
      ...(end ? { endDate: end } : {}),
    };
    setResult(await run<{ checkProposedAward: Finding[] }>(CHECK_PROPOSED_AWARD, { award }));
  };

  const names = new Map((household?.members ?? []).map((m) => [m.id, m.name ?? m.id]));

  return (
    <section aria-labelledby="check-h">
      <h1 id="check-h">{t('check.title')}</h1>
      <p className="lead">{t('check.lead')}</p>
      <form className="card inline-form" onSubmit={loadHousehold}>
        <div className="field">
          <label htmlFor={ids.hh}>{t('check.household')}</label>
          <input id={ids.hh} value={hhInput} onChange={(e) => setHhInput(e.target.value)} autoComplete="off" />
        </div>
        <button type="submit" className="secondary">{t('check.loadHousehold')}</button>
      </form>
      {householdId && members.state.kind !== 'ok' && <OutcomeView state={members.state}>{() => null}</OutcomeView>}
      {householdId && members.state.kind === 'ok' && !household && <Notice kind="info">{t('household.notFound', { id: householdId })}</Notice>}

      <form className="card proposal" onSubmit={submit} noValidate aria-describedby={errors.length ? 'check-errors' : undefined}>
        {errors.length > 0 && (
          <div id="check-errors" role="alert" className="notice notice-error">
            <ul>{errors.map((e) => <li key={e}>{e}</li>)}</ul>
          </div>
        )}
        <div className="grid">
          <div className="field">
            <label htmlFor={ids.dept}>{t('check.department')}</label>
            <select id={ids.dept} value={department} disabled={officerDept !== null} onChange={(e) => { setDepartment(e.target.value as Department); setProg(''); }}>
              <option value="">{t('common.choose')}</option>
              {DEPARTMENTS.map((d) => <option key={d} value={d}>{label('deptLong', d)}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.prog}>{t('check.programme')}</label>
            <select id={ids.prog} value={prog} onChange={(e) => setProg(e.target.value)} disabled={!department}>
              <option value="">{t('common.choose')}</option>
              {programmes.map((p) => <option key={p.code} value={p.code}>{programme(p.code)}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.person}>{t('check.person')}</label>
            {household ? (
              <select id={ids.person} value={personId} onChange={(e) => setPersonId(e.target.value)}>
                <option value="">{t('common.choose')}</option>
                {household.members.map((m) => (
                  <option key={m.id} value={m.id}>{`${m.name ?? ''} (${label('relation', m.relation)})${m.deathDate ? ` · ${t('member.deceasedShort')}` : ''}`}</option>
                ))}
              </select>
            ) : (
              <input id={ids.person} value={personId} onChange={(e) => setPersonId(e.target.value.trim().toUpperCase())} autoComplete="off" inputMode="numeric" />
            )}
          </div>
          <div className="field">
            <label htmlFor={ids.region}>{t('check.region')}</label>
            <input id={ids.region} value={regionCode} onChange={(e) => setRegion(e.target.value.trim())} inputMode="numeric" />
          </div>
          <div className="field">
            <label htmlFor={ids.start}>{t('check.start')}</label>
            <input id={ids.start} type="date" value={start} onChange={(e) => setStart(e.target.value)} required />
          </div>
          <div className="field">
            <label htmlFor={ids.end}>{t('check.end')}</label>
            <input id={ids.end} type="date" value={end} onChange={(e) => setEnd(e.target.value)} aria-describedby={`${ids.end}-hint`} />
            <p className="hint" id={`${ids.end}-hint`}>{t('check.endHint')}</p>
          </div>
          <div className="field">
            <label htmlFor={ids.amount}>{t('check.amount')}</label>
            <input id={ids.amount} value={amount} onChange={(e) => setAmount(e.target.value)} inputMode="decimal" aria-describedby={`${ids.amount}-hint`} autoComplete="off" />
            <p className="hint" id={`${ids.amount}-hint`}>{t('check.amountHint')}</p>
          </div>
          <div className="field">
            <label htmlFor={ids.freq}>{t('check.frequency')}</label>
            <select id={ids.freq} value={frequency} onChange={(e) => setFrequency(e.target.value)}>
              {FREQUENCIES.map((f) => <option key={f} value={f}>{label('frequency', f)}</option>)}
            </select>
          </div>
        </div>
        <button type="submit">{t('check.submit')}</button>
      </form>

      <div aria-live="polite">
        <OutcomeView state={result}>
          {({ checkProposedAward: found }) =>
            found.length === 0 ? (
              <Notice kind="success" title={t('check.clear')} />
            ) : (
              <section aria-labelledby="check-results-h" className="findings has-open">
                <h2 id="check-results-h">{t('check.found', { count: found.length })}</h2>
                {found.map((f) => <FindingCard key={f.id} finding={f} awards={new Map()} names={names} reviewable={false} />)}
              </section>
            )
          }
        </OutcomeView>
      </div>
    </section>
  );
}
