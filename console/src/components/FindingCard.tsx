import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { REVIEW_FINDING } from '../api/queries.ts';
import type { Award, Finding } from '../api/types.ts';
import { useGraphQL } from '../api/useGraphQL.ts';
import { useI18n } from '../i18n/index.tsx';
import { localiseDates } from '../lib/format.ts';
import { FindingHistory } from './FindingHistory.tsx';
import { Notice } from './Notice.tsx';

interface Props {
  finding: Finding;
  awards: Map<string, Award>;
  names: Map<string, string>;
  /** Called after a review is saved (the page reloads the picture). */
  onReviewed?: () => void;
  /** Offer the review action (not for a proposal's findings). */
  reviewable?: boolean;
  /** Shown when the finding is live but not yet stored by a sweep (it cannot be reviewed yet). */
  sweepAction?: ReactNode;
}

/** One duplicate-aid finding: what is wrong, whom to contact, and the review (note required). */
export function FindingCard({ finding: f, awards, names, onReviewed, reviewable = true, sweepAction }: Props) {
  const { t, label, programme, date, lang } = useI18n();
  const run = useGraphQL();
  const noteId = useId();
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const review = (decision: 'CONFIRM' | 'DISMISS') => async (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) return setProblem(t('finding.noteRequired'));
    setBusy(true);
    setProblem(null);
    const res = await run<{ reviewDuplicateAidFinding: { id: string; status: string } }>(REVIEW_FINDING, { id: f.id, decision, note: note.trim() });
    setBusy(false);
    if (res.kind === 'ok') {
      setSaved(res.data.reviewDuplicateAidFinding.status);
      setNote('');
      onReviewed?.();
    } else if (res.kind === 'forbidden') setProblem(t('forbidden.title'));
    else if (res.kind === 'error' && res.code === 'NOT_FOUND') setProblem(t('finding.notStored'));
    else setProblem(res.kind === 'invalid' || res.kind === 'error' ? res.message : t('error.title'));
  };

  const concerned = f.awardKeys.map((key) => {
    const a = awards.get(key);
    if (key.endsWith(':PROPOSED') || key === 'PROPOSED') return t('finding.proposed');
    if (a) return `${label('dept', a.department)} ${programme(a.programme)} (${names.get(a.personId) ?? a.personId})`;
    const [dept, ...rest] = key.split(':');
    return `${label('dept', dept)} ${rest.join(':')}`;
  });

  return (
    <article id={`finding-${f.id}`} className={`finding card finding-${f.status.toLowerCase()}`} aria-labelledby={`${noteId}-h`} data-finding-id={f.id}>
      <header className="finding-head">
        <h3 id={`${noteId}-h`}>{label('rule', f.rule)}</h3>
        <span className={`badge finding-status-${f.status.toLowerCase()}`}>{label('findingStatus', saved ?? f.status)}</span>
      </header>
      <p className="explanation">{localiseDates(lang === 'zh' ? f.explanation : f.explanationEn || f.explanation, lang)}</p>
      <dl className="finding-facts">
        <div>
          <dt>{t('finding.awards')}</dt>
          <dd>{concerned.join('；')}</dd>
        </div>
        <div>
          <dt>{t('finding.programmes')}</dt>
          <dd>{f.programmes.map((p) => programme(p)).join('、')}</dd>
        </div>
        <div>
          <dt>{t('finding.persons')}</dt>
          <dd>{f.personIds.map((id) => names.get(id) ?? id).join('、')}</dd>
        </div>
        <div>
          <dt>{t('finding.overlap')}</dt>
          <dd>{f.overlapStart ? `${date(f.overlapStart)} – ${f.overlapEnd ? date(f.overlapEnd) : t('awards.ongoing')}` : '—'}</dd>
        </div>
        <div>
          <dt>{t('finding.contact')}</dt>
          <dd className="contact">{f.departments.map((d) => label('dept', d)).join('、')}</dd>
        </div>
        {f.outsideJurisdiction.length > 0 && (
          <div>
            <dt>{t('finding.outside')}</dt>
            <dd className="outside">{t('finding.outsideWhere', { regions: f.outsideJurisdiction.join('、') })}</dd>
          </div>
        )}
      </dl>
      {f.history && f.history.length > 0 && <FindingHistory events={f.history} />}
      {/* Persons outside the caller's jurisdiction: their civil affairs office reviews it, not this caller. */}
      {reviewable && f.status === 'OPEN' && !saved && f.outsideJurisdiction.length === 0 && (f.firstSeenAt === null && sweepAction ? (
        <div className="not-stored">
          <p className="hint">{t('finding.notStored')}</p>
          {sweepAction}
        </div>
      ) : (
        <form className="review" onSubmit={review('DISMISS')} noValidate>
          <div className="field">
            <label htmlFor={noteId}>{t('finding.note')}</label>
            <textarea id={noteId} value={note} onChange={(e) => setNote(e.target.value)} rows={2} required aria-required="true" aria-describedby={`${noteId}-hint`} maxLength={2000} />
            <p className="hint" id={`${noteId}-hint`}>{t('finding.noteHint')}</p>
          </div>
          <div className="actions">
            <button type="button" onClick={review('CONFIRM')} disabled={busy}>{t('finding.confirm')}</button>
            <button type="submit" className="secondary" disabled={busy}>{t('finding.dismiss')}</button>
          </div>
        </form>
      ))}
      {problem && <Notice kind="error">{problem}</Notice>}
      {saved && <Notice kind="success">{t('finding.saved', { status: label('findingStatus', saved) })}</Notice>}
    </article>
  );
}
