import { useId, useState, type ChangeEvent, type FormEvent } from 'react';
import { APPROVE, BANK_FILE, FINDINGS, FUNDS, GENERATE, RECONCILE, REVIEW, ROLL_BY_ID, SWEEP, SWEEP_STATUS } from '../api/funds.ts';
import { useGraphQL, useQuery } from '../api/useGraphQL.ts';
import { BarChart } from '../components/BarChart.tsx';
import { saveFile } from '../components/CsvDownload.tsx';
import { Notice } from '../components/Notice.tsx';
import { useI18n } from '../i18n/index.tsx';
import { isRegionPrefix } from '../lib/regions.ts';
import { useSession } from '../lib/sessionContext.tsx';

// 资金发放 (SPEC section 11): payment rolls for officers, payment findings for the coordination
// office, funds figures for the office and analysts. Account numbers come masked from the graph;
// only the bank file, saved straight to disk, holds them in full.


interface Line { line: number; awardId: string; programme: string; personId: string; amountFen: number; accountNumber: string | null; status: string; holds: { kind: string; findingId: string | null; rule: string | null; explanation: string | null }[] }
interface Roll { id: string; department: string; regionCode: string; period: string; status: string; lineCount: number; totalFen: string; heldCount: number; generatedBy: string; approvedBy: string | null; lines: Line[] }
interface Finding { id: string; rule: string; period: string; personIds: string[]; paymentIds: string[]; departments: string[]; accountNumber: string | null; explanation: string; status: string }
/** A row of fundsStatistics; for analysts (published figures) `failedFen` is null unless 5 or more persons' payments failed. */
interface FundsRow { department: string; programme: string; regionCode: string; period: string; paidFen: string; failedFen: string | null; recipients: number | null }
/** A department's payments naming no award of its own (fundsWithoutAward). */
type UnawardedRow = Omit<FundsRow, 'programme'>;

function lastMonth(): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 7);
}

function problemOf(t: ReturnType<typeof useI18n>['t'], res: { kind: string; message?: string }): string {
  if (res.kind === 'forbidden') return t('forbidden.title');
  return res.message ?? t('error.title');
}

export function FundsPage() {
  const { t } = useI18n();
  const { session } = useSession();
  const role = session.claims.role;
  const ids = { region: useId(), period: useId() };
  const [region, setRegion] = useState(session.claims.region ?? '6540');
  const [period, setPeriod] = useState(lastMonth());
  const [shown, setShown] = useState({ region: session.claims.region ?? '6540', period: lastMonth() });
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!isRegionPrefix(region.trim())) return setProblem(t('search.badRegion'));
    if (!/^[0-9]{4}-(0[1-9]|1[0-2])$/.test(period)) return setProblem(t('funds.badPeriod'));
    setProblem(null);
    setShown({ region: region.trim(), period });
  };
  return (
    <section aria-labelledby="funds-h">
      <h1 id="funds-h">{t('funds.title')}</h1>
      <form className="card inline-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={ids.region}>{t('dash.region')}</label>
          <input id={ids.region} value={region} onChange={(e) => setRegion(e.target.value)} inputMode="numeric" />
        </div>
        <div className="field">
          <label htmlFor={ids.period}>{t('funds.period')}</label>
          <input id={ids.period} type="month" value={period} onChange={(e) => setPeriod(e.target.value)} />
        </div>
        <button type="submit">{t('dash.show')}</button>
      </form>
      {problem && <Notice kind="error">{problem}</Notice>}
      {role === 'DEPARTMENT_OFFICER' && <Rolls regionCode={shown.region} period={shown.period} />}
      {role === 'COORDINATOR' && <PaymentFindings regionCode={shown.region} period={shown.period} />}
      {(role === 'COORDINATOR' || role === 'ANALYST') && <FundsChart regionCode={shown.region} period={shown.period} />}
    </section>
  );
}

function Rolls({ regionCode, period }: { regionCode: string; period: string }) {
  const { t, label, programme, money } = useI18n();
  const { session } = useSession();
  const run = useGraphQL();
  const department = session.claims.department ?? '';
  const [roll, setRoll] = useState<Roll | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const noteId = useId();
  const fileId = useId();

  const reload = async (id: string) => {
    const res = await run<{ paymentRoll: Roll }>(ROLL_BY_ID, { id });
    if (res.kind === 'ok') setRoll(res.data.paymentRoll);
  };
  const act = async (fn: () => Promise<{ kind: string; message?: string }>, message: string) => {
    setBusy(true);
    setProblem(null);
    setDone(null);
    const res = await fn();
    setBusy(false);
    if (res.kind !== 'ok') return setProblem(problemOf(t, res));
    setDone(message);
  };
  const generate = () =>
    act(async () => {
      const res = await run<{ generatePaymentRoll: Roll }>(GENERATE, { d: department, r: regionCode, p: period });
      if (res.kind === 'ok') setRoll(res.data.generatePaymentRoll);
      return res;
    }, t('funds.roll.generated'));
  const approve = () =>
    act(async () => {
      const res = await run(APPROVE, { id: roll!.id, n: note });
      if (res.kind === 'ok') await reload(roll!.id);
      return res;
    }, t('funds.roll.approved'));
  const download = () =>
    act(async () => {
      const res = await run<{ paymentRoll: { id: string; bankFile: string | null } }>(BANK_FILE, { id: roll!.id });
      if (res.kind === 'ok' && res.data.paymentRoll.bankFile) saveFile(res.data.paymentRoll.bankFile, `代发文件_${roll!.id}.csv`, 'text/csv;charset=utf-8');
      return res;
    }, t('funds.roll.downloaded'));
  const upload = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    void act(async () => {
      const res = await run(RECONCILE, { id: roll!.id, r: await file.text() });
      if (res.kind === 'ok') await reload(roll!.id);
      return res;
    }, t('funds.roll.reconciled'));
  };

  return (
    <div className="card">
      <h2>{t('funds.roll.title')}</h2>
      <p className="hint">{t('funds.roll.hint')}</p>
      <button type="button" onClick={() => void generate()} disabled={busy}>{t('funds.roll.generate', { department: label('dept', department), region: regionCode, period })}</button>
      {problem && <Notice kind="error">{problem}</Notice>}
      {done && <Notice kind="info">{done}</Notice>}
      {roll && (
        <div className="roll" data-roll={roll.id}>
          <p>
            {t('funds.roll.summary', { id: roll.id, status: label('value', `ROLL_${roll.status}`), lines: roll.lineCount, held: roll.heldCount, total: money(roll.totalFen) })}
          </p>
          <table>
            <thead>
              <tr><th>{t('funds.roll.line')}</th><th>{t('funds.programme')}</th><th>{t('funds.person')}</th><th>{t('funds.amount')}</th><th>{t('funds.account')}</th><th>{t('funds.status')}</th><th>{t('funds.roll.holds')}</th></tr>
            </thead>
            <tbody>
              {roll.lines.map((l) => (
                <tr key={l.line} className={l.status === 'HELD' ? 'held' : undefined}>
                  <td>{l.line}</td>
                  <td>{programme(l.programme)}</td>
                  <td>{l.personId}</td>
                  <td>{money(l.amountFen)}</td>
                  <td>{l.accountNumber ?? '—'}</td>
                  <td>{label('value', `LINE_${l.status}`)}</td>
                  <td>{l.holds.map((h, i) => <div key={i}>{h.kind === 'NO_ACCOUNT' ? t('funds.roll.noAccount') : `${h.rule ? label('rule', h.rule) : ''} ${h.findingId ?? ''}：${h.explanation ?? ''}`}</div>)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {roll.status === 'GENERATED' && (
            <div className="inline-form">
              <div className="field">
                <label htmlFor={noteId}>{t('funds.roll.note')}</label>
                <input id={noteId} value={note} onChange={(e) => setNote(e.target.value)} />
              </div>
              <button type="button" onClick={() => void approve()} disabled={busy}>{t('funds.roll.approve')}</button>
            </div>
          )}
          {roll.status !== 'GENERATED' && <button type="button" onClick={() => void download()} disabled={busy}>{t('funds.roll.download')}</button>}
          {roll.status === 'APPROVED' && (
            <div className="field">
              <label htmlFor={fileId}>{t('funds.roll.upload')}</label>
              <input id={fileId} type="file" accept=".csv,text/csv" onChange={upload} disabled={busy} />
            </div>
          )}
        </div>
      )}
    </div>
  );
}

function PaymentFindings({ regionCode, period }: { regionCode: string; period: string }) {
  const { t, label } = useI18n();
  const run = useGraphQL();
  const { state, reload } = useQuery<{ paymentFindings: { totalCount: number; edges: { node: Finding }[] } }>(FINDINGS, { r: regionCode, p: period });
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const sweep = async () => {
    const res = await run<{ runPaymentSweep: { id: string } }>(SWEEP, { r: regionCode, p: period });
    if (res.kind !== 'ok') return setMessage(problemOf(t, res));
    setMessage(t('funds.sweep.started'));
    // Until it has ended, then the list again.
    for (let i = 0; i < 600; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      const s = await run<{ paymentSweep: { status: string; error: string | null; findingsCount: number } | null }>(SWEEP_STATUS, { id: res.data.runPaymentSweep.id });
      if (s.kind !== 'ok' || !s.data.paymentSweep) return setMessage(problemOf(t, s.kind === 'ok' ? { kind: 'error' } : s));
      if (s.data.paymentSweep.status === 'DONE') {
        setMessage(t('funds.sweep.done', { count: s.data.paymentSweep.findingsCount }));
        return reload();
      }
      if (s.data.paymentSweep.status === 'FAILED') return setMessage(s.data.paymentSweep.error ?? t('error.title'));
    }
  };
  const review = async (id: string, decision: 'CONFIRM' | 'DISMISS') => {
    const res = await run(REVIEW, { id, d: decision, n: notes[id] ?? '' });
    setMessage(res.kind === 'ok' ? t('funds.review.done') : problemOf(t, res));
    reload();
  };
  return (
    <div className="card">
      <h2>{t('funds.findings.title')}</h2>
      <button type="button" onClick={() => void sweep()}>{t('funds.sweep.run', { region: regionCode, period })}</button>
      {message && <Notice kind="info">{message}</Notice>}
      {state.kind === 'ok' && (
        <>
          <p>{t('funds.findings.count', { total: state.data.paymentFindings.totalCount })}</p>
          <ul className="findings">
            {state.data.paymentFindings.edges.map(({ node: f }) => (
              <li key={f.id} className="card payment-finding" data-finding={f.id}>
                <strong>{label('rule', f.rule)}</strong> · {f.period} · {label('findingStatus', f.status)}
                <p>{f.explanation}</p>
                {f.status === 'OPEN' && (
                  <div className="inline-form">
                    <input aria-label={t('funds.review.note')} value={notes[f.id] ?? ''} onChange={(e) => setNotes({ ...notes, [f.id]: e.target.value })} />
                    <button type="button" onClick={() => void review(f.id, 'CONFIRM')}>{t('funds.review.confirm')}</button>
                    <button type="button" onClick={() => void review(f.id, 'DISMISS')}>{t('funds.review.dismiss')}</button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {state.kind === 'forbidden' && <Notice kind="forbidden">{t('forbidden.title')}</Notice>}
      {(state.kind === 'error' || state.kind === 'invalid') && <Notice kind="error">{state.message}</Notice>}
    </div>
  );
}

function FundsChart({ regionCode, period }: { regionCode: string; period: string }) {
  const { t, programme, money, label } = useI18n();
  const { session } = useSession();
  const { state } = useQuery<{ fundsStatistics: FundsRow[]; fundsWithoutAward: UnawardedRow[] }>(FUNDS, { r: regionCode, p: period });
  if (state.kind === 'forbidden') return <Notice kind="forbidden">{t('forbidden.title')}</Notice>;
  if (state.kind === 'error' || state.kind === 'invalid') return <Notice kind="error">{state.message}</Notice>;
  if (state.kind !== 'ok') return null;
  // Payments naming no award come after the programmes' rows, with a bar of their own (programme null).
  const rows: Array<Omit<FundsRow, 'programme'> & { programme: string | null }> = [...state.data.fundsStatistics, ...state.data.fundsWithoutAward.map((r) => ({ ...r, programme: null }))];
  const byProgramme = new Map<string, number>();
  // Keyed '' for no award: no programme has that code.
  for (const r of rows) byProgramme.set(r.programme ?? '', (byProgramme.get(r.programme ?? '') ?? 0) + Number(r.paidFen));
  const name = (code: string | null) => (code ? programme(code) : t('funds.noAward'));
  const bars = [...byProgramme].map(([code, fen]) => ({ label: name(code), value: fen }));
  return (
    <div className="card funds-figures">
      <h2>{t('funds.figures.title')}</h2>
      {bars.length ? <BarChart title={t('funds.figures.chart', { period })} bars={bars} format={(n) => money(n)} /> : <p>{t('funds.figures.none')}</p>}
      <table>
        <thead><tr><th>{t('funds.department')}</th><th>{t('funds.programme')}</th><th>{t('funds.county')}</th><th>{t('funds.paid')}</th><th>{t('funds.failed')}</th><th>{t('funds.recipients')}</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.department}-${r.programme}-${r.regionCode}-${r.period}`}>
              <td>{label('dept', r.department)}</td><td>{name(r.programme)}</td><td>{r.regionCode === 'UNPLACED' ? t('funds.unplaced') : r.regionCode}</td><td>{money(r.paidFen)}</td><td>{r.failedFen === null ? '—' : money(r.failedFen)}</td><td>{r.recipients ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {/* Analysts get published figures (SPEC section 6): say what is left out, since a withheld row is simply absent. */}
      {session.claims.role === 'ANALYST' ? <p className="hint" data-testid="funds-published">{t('funds.figures.published')}</p> : <p className="hint">{t('funds.figures.hint')}</p>}
    </div>
  );
}
