import { useId, useState, type FormEvent } from 'react';
import { SUBMIT } from '../api/casework.ts';
import type { Member } from '../api/types.ts';
import { useGraphQL } from '../api/useGraphQL.ts';
import { useI18n } from '../i18n/index.tsx';
import { PROGRAMMES } from '../lib/catalogue.ts';
import { parseYuan, todayIso } from '../lib/format.ts';
import { navigate } from '../lib/router.tsx';
import { Notice } from './Notice.tsx';

/**
 * 受理 (一门受理): a caseworker files an application for a member of the household, for any
 * programme of any department; the graph routes it to the owning one and assembles the
 * assessment. The authorisation for the economic check is recorded here (required for 低保,
 * 特困 and 临时救助: the graph says so if it is missing).
 */
export function Intake({ householdId, members }: { householdId: string; members: Member[] }) {
  const { t, programme, label } = useI18n();
  const run = useGraphQL();
  const id = useId();
  const living = members.filter((m) => !m.deathDate);
  const [form, setForm] = useState({ personId: living[0]?.id ?? '', programme: 'MINIMUM_LIVING_URBAN', amount: '', reason: '', consentBy: living[0]?.id ?? '', consentOn: todayIso() });
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const amountFen = form.amount.trim() ? parseYuan(form.amount) : null;
    if (form.amount.trim() && amountFen === null) return setProblem(t('intake.amount'));
    setBusy(true);
    setProblem(null);
    const input = { householdId, personId: form.personId, programme: form.programme, amountFen, reason: form.reason, consentSignedBy: form.consentBy || null, consentSignedOn: form.consentBy ? form.consentOn : null };
    const res = await run<{ submitApplication: { id: string } }>(SUBMIT, { input });
    setBusy(false);
    if (res.kind === 'ok') navigate(`/applications/${encodeURIComponent(res.data.submitApplication.id)}`);
    else if (res.kind === 'forbidden') setProblem(t('forbidden.title'));
    else setProblem(res.kind === 'invalid' || res.kind === 'error' ? res.message : t('error.title'));
  };
  const name = (m: Member) => `${m.name ?? m.id}（${label('relation', m.relation)}）`;
  return (
    <details className="intake card">
      <summary>{t('intake.title')}</summary>
      <form onSubmit={(e) => void submit(e)} aria-label={t('intake.title')}>
        {problem && <Notice kind="error">{problem}</Notice>}
        <label htmlFor={`${id}-p`}>{t('intake.person')}</label>
        <select id={`${id}-p`} value={form.personId} onChange={set('personId')}>
          {living.map((m) => <option key={m.id} value={m.id}>{name(m)}</option>)}
        </select>
        <label htmlFor={`${id}-g`}>{t('intake.programme')}</label>
        <select id={`${id}-g`} value={form.programme} onChange={set('programme')}>
          {PROGRAMMES.map((p) => <option key={p.code} value={p.code}>{programme(p.code)} · {label('dept', p.department)}</option>)}
        </select>
        <label htmlFor={`${id}-a`}>{t('intake.amount')}</label>
        <input id={`${id}-a`} value={form.amount} onChange={set('amount')} inputMode="decimal" />
        <label htmlFor={`${id}-r`}>{t('intake.reason')}</label>
        <textarea id={`${id}-r`} value={form.reason} onChange={set('reason')} rows={2} required />
        <label htmlFor={`${id}-c`}>{t('intake.consentBy')}</label>
        <select id={`${id}-c`} value={form.consentBy} onChange={set('consentBy')}>
          <option value="">{t('app.none')}</option>
          {living.map((m) => <option key={m.id} value={m.id}>{name(m)}</option>)}
        </select>
        <label htmlFor={`${id}-d`}>{t('intake.consentOn')}</label>
        <input id={`${id}-d`} type="date" value={form.consentOn} onChange={set('consentOn')} />
        <button type="submit" disabled={busy}>{t('intake.submit')}</button>
      </form>
    </details>
  );
}
