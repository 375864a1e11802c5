import { useId, useState, type FormEvent } from 'react';
import { DATA_CATALOGUE, DECIDE_SHARING, REQUEST_SHARING, REVOKE_SHARING, SHARING_AGREEMENTS, SHARING_USAGE } from '../api/queries.ts';
import { useGraphQL, useQuery } from '../api/useGraphQL.ts';
import type { Outcome } from '../api/outcome.ts';
import { BarChart } from '../components/BarChart.tsx';
import { Notice } from '../components/Notice.tsx';
import { useI18n } from '../i18n/index.tsx';
import type { Key } from '../i18n/zh.ts';
import { DEPARTMENTS, type Department } from '../lib/catalogue.ts';
import { purposeLabel, purposesOf } from '../lib/purposes.ts';
import { useSession } from '../lib/sessionContext.tsx';

interface Entry {
  coordinate: string;
  department: string;
  description: string;
  sharing: string;
  sensitivity: string;
}
interface Agreement {
  id: string;
  requester: string;
  owner: string;
  coordinates: string[];
  purpose: string;
  legalBasis: string;
  validFrom: string;
  validUntil: string;
  status: string;
  builtIn: boolean;
  history: { action: string; by: string; office: string; note: string; at: string }[];
}
interface UsageRow {
  coordinate: string;
  caller: string;
  purpose: string;
  day: string;
  reads: number;
}

const STATUSES = ['REQUESTED', 'ACTIVE', 'APPROVED', 'EXPIRED', 'REJECTED', 'REVOKED'];

function problemOf<T>(outcome: Outcome<T>, t: (k: Key) => string): string | null {
  if (outcome.kind === 'ok') return null;
  if (outcome.kind === 'forbidden') return t('forbidden.title');
  if (outcome.kind === 'missing') return t('sharing.missing');
  return outcome.message;
}

/** 数据共享: the catalogue, the agreements (request, decide, revoke) and their use (SPEC section 12). */
export function SharingPage() {
  const { t, label, lang, date, number } = useI18n();
  const { session } = useSession();
  const { role, department: own } = session.claims;
  const office = role === 'DEPARTMENT_OFFICER' ? own! : 'COORDINATION';
  const run = useGraphQL();
  const ids = { dept: useId(), filter: useId(), status: useId(), owner: useId(), coords: useId(), purpose: useId(), basis: useId(), until: useId() };

  const [catalogueDept, setCatalogueDept] = useState<Department>(own ?? 'CIVIL_AFFAIRS');
  const catalogue = useQuery<{ dataCatalogue: Entry[] }>(DATA_CATALOGUE, { department: catalogueDept });

  const [filterDept, setFilterDept] = useState<string>(own ?? '');
  const [status, setStatus] = useState('');
  const agreements = useQuery<{ sharingAgreements: Agreement[] }>(SHARING_AGREEMENTS, { department: filterDept || null, status: status || null });

  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [usage, setUsage] = useState<{ id: string; rows: UsageRow[] } | null>(null);

  const purposes = purposesOf(session.claims);
  const [owner, setOwner] = useState<Department>(DEPARTMENTS.find((d) => d !== own) ?? 'HEALTH');
  const [coordinates, setCoordinates] = useState('');
  const [purpose, setPurpose] = useState(purposes[0]?.code ?? '');
  const [basis, setBasis] = useState('');
  const [until, setUntil] = useState('');

  const done = (outcome: Outcome<unknown>, success: string) => {
    const problem = problemOf(outcome, t);
    setMessage(problem ? { kind: 'error', text: problem } : { kind: 'success', text: success });
    if (!problem) agreements.reload();
  };

  const request = async (e: FormEvent) => {
    e.preventDefault();
    const input = { owner, coordinates: coordinates.split(/[,，\s]+/).filter(Boolean), purpose, legalBasis: basis, validUntil: until };
    done(await run(REQUEST_SHARING, { input }), t('sharing.requested'));
  };
  const decide = async (id: string, approve: boolean) => done(await run(DECIDE_SHARING, { id, approve, note: notes[id] ?? '' }), t(approve ? 'sharing.approved' : 'sharing.rejected'));
  const revoke = async (id: string) => done(await run(REVOKE_SHARING, { id, note: notes[id] ?? '' }), t('sharing.revoked'));
  const showUsage = async (id: string) => {
    const outcome = await run<{ sharingUsage: UsageRow[] }>(SHARING_USAGE, { agreementId: id });
    const problem = problemOf(outcome, t);
    if (problem || outcome.kind !== 'ok') return setMessage({ kind: 'error', text: problem ?? '' });
    setUsage({ id, rows: outcome.data.sharingUsage });
  };

  const mayDecide = (a: Agreement) => role === 'DEPARTMENT_OFFICER' && a.owner === own && a.status === 'REQUESTED';
  const mayRevoke = (a: Agreement) => ['REQUESTED', 'APPROVED', 'ACTIVE'].includes(a.status) && ((role === 'DEPARTMENT_OFFICER' && (a.owner === own || a.requester === own)) || a.requester === office);
  const officeLabel = (code: string) => (DEPARTMENTS.includes(code as Department) ? label('dept', code) : t(`sharing.office.${code}` as Key));

  const byField = new Map<string, number>();
  for (const r of usage?.rows ?? []) byField.set(r.coordinate, (byField.get(r.coordinate) ?? 0) + r.reads);

  return (
    <section aria-labelledby="sharing-h">
      <h1 id="sharing-h">{t('sharing.title')}</h1>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}

      <h2>{t('sharing.catalogue')}</h2>
      <div className="card inline-form">
        <div className="field">
          <label htmlFor={ids.dept}>{t('sharing.department')}</label>
          <select id={ids.dept} value={catalogueDept} onChange={(e) => setCatalogueDept(e.target.value as Department)}>
            {DEPARTMENTS.map((d) => (
              <option key={d} value={d}>{label('dept', d)}</option>
            ))}
          </select>
        </div>
      </div>
      {catalogue.state.kind === 'ok' ? (
        <table className="catalogue">
          <thead>
            <tr><th>{t('sharing.field')}</th><th>{t('sharing.description')}</th><th>{t('sharing.class')}</th><th>{t('sharing.sensitivity')}</th></tr>
          </thead>
          <tbody>
            {catalogue.state.data.dataCatalogue.map((e) => (
              <tr key={e.coordinate}>
                <td><code>{e.coordinate}</code></td>
                <td>{e.description}</td>
                <td>{t(`sharing.class.${e.sharing}` as Key)}</td>
                <td>{t(`sharing.sensitivity.${e.sensitivity}` as Key)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : catalogue.state.kind === 'loading' ? <p>{t('sharing.loading')}</p> : null}

      <h2>{t('sharing.request')}</h2>
      <form className="card" onSubmit={request}>
        <div className="field">
          <label htmlFor={ids.owner}>{t('sharing.owner')}</label>
          <select id={ids.owner} value={owner} onChange={(e) => setOwner(e.target.value as Department)}>
            {DEPARTMENTS.filter((d) => d !== own).map((d) => (
              <option key={d} value={d}>{label('dept', d)}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.coords}>{t('sharing.coordinates')}</label>
          <input id={ids.coords} value={coordinates} onChange={(e) => setCoordinates(e.target.value)} placeholder="Person.healthAwards, HealthAward.*" required />
        </div>
        <div className="field">
          <label htmlFor={ids.purpose}>{t('sharing.purpose')}</label>
          <select id={ids.purpose} value={purpose} onChange={(e) => setPurpose(e.target.value)}>
            {purposes.map((p) => (
              <option key={p.code} value={p.code}>{purposeLabel(p.code, lang)}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.basis}>{t('sharing.legalBasis')}</label>
          <input id={ids.basis} value={basis} onChange={(e) => setBasis(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor={ids.until}>{t('sharing.validUntil')}</label>
          <input id={ids.until} type="date" value={until} onChange={(e) => setUntil(e.target.value)} required />
        </div>
        <button type="submit">{t('sharing.submit')}</button>
      </form>

      <h2>{t('sharing.agreements')}</h2>
      <div className="card inline-form">
        <div className="field">
          <label htmlFor={ids.filter}>{t('sharing.department')}</label>
          <select id={ids.filter} value={filterDept} onChange={(e) => setFilterDept(e.target.value)}>
            <option value="">{t('sharing.all')}</option>
            {DEPARTMENTS.map((d) => (
              <option key={d} value={d}>{label('dept', d)}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.status}>{t('sharing.status')}</label>
          <select id={ids.status} value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('sharing.all')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>{t(`sharing.status.${s}` as Key)}</option>
            ))}
          </select>
        </div>
      </div>
      {agreements.state.kind === 'ok' && (
        <table className="agreements">
          <thead>
            <tr>
              <th>{t('sharing.requester')}</th><th>{t('sharing.owner')}</th><th>{t('sharing.coordinates')}</th><th>{t('sharing.purpose')}</th>
              <th>{t('sharing.period')}</th><th>{t('sharing.status')}</th><th>{t('sharing.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {agreements.state.data.sharingAgreements.map((a) => (
              <tr key={a.id} data-agreement={a.id}>
                <td>{officeLabel(a.requester)}</td>
                <td>{label('dept', a.owner)}</td>
                <td>{a.coordinates.map((c) => <code key={c}>{c === '*' ? t('sharing.everything') : c} </code>)}</td>
                <td>{purposeLabel(a.purpose, lang)}</td>
                <td>{date(a.validFrom)} – {date(a.validUntil)}</td>
                <td>{t(`sharing.status.${a.status}` as Key)}{a.builtIn ? ` · ${t('sharing.builtIn')}` : ''}</td>
                <td>
                  {(mayDecide(a) || mayRevoke(a)) && (
                    <input aria-label={t('sharing.note')} value={notes[a.id] ?? ''} onChange={(e) => setNotes({ ...notes, [a.id]: e.target.value })} />
                  )}
                  {mayDecide(a) && (
                    <>
                      <button type="button" onClick={() => void decide(a.id, true)}>{t('sharing.approve')}</button>
                      <button type="button" onClick={() => void decide(a.id, false)}>{t('sharing.reject')}</button>
                    </>
                  )}
                  {mayRevoke(a) && <button type="button" onClick={() => void revoke(a.id)}>{t('sharing.revoke')}</button>}
                  <button type="button" onClick={() => void showUsage(a.id)}>{t('sharing.usage')}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {usage && (
        <div className="card" data-testid="sharing-usage">
          <h2>{t('sharing.usageOf', { id: usage.id })}</h2>
          {usage.rows.length === 0 ? (
            <p>{t('sharing.noUsage')}</p>
          ) : (
            <>
              <BarChart title={t('sharing.readsByField')} bars={[...byField].map(([coordinate, reads]) => ({ label: coordinate, value: reads }))} format={number} />
              <table>
                <thead>
                  <tr><th>{t('sharing.day')}</th><th>{t('sharing.field')}</th><th>{t('sharing.caller')}</th><th>{t('sharing.purpose')}</th><th>{t('sharing.reads')}</th></tr>
                </thead>
                <tbody>
                  {usage.rows.map((r) => (
                    <tr key={`${r.day}${r.coordinate}${r.caller}${r.purpose}`}>
                      <td>{r.day}</td><td><code>{r.coordinate}</code></td><td>{r.caller}</td><td>{purposeLabel(r.purpose, lang)}</td><td>{number(r.reads)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </div>
      )}
    </section>
  );
}
