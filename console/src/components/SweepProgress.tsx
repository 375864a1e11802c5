import type { SweepState } from '../api/useSweep.ts';
import { useI18n } from '../i18n/index.tsx';
import { regionLabel } from '../lib/regions.ts';
import { Notice } from './Notice.tsx';

/** A sweep's progress: a progress bar while it runs, its counts when it is done. */
export function SweepProgress({ state }: { state: SweepState }) {
  const { t, label, number, lang } = useI18n();
  if (state.kind === 'idle') return null;
  if (state.kind === 'starting') return <p role="status">{t('sweep.starting')}</p>;
  if (state.kind === 'failed') return <Notice kind={state.forbidden ? 'forbidden' : 'error'} title={state.forbidden ? t('forbidden.title') : t('sweep.failed')}>{state.forbidden ? null : state.message}</Notice>;
  const s = state.sweep;
  const total = s.householdsTotal ?? 0;
  const pct = total > 0 ? Math.round((s.householdsChecked / total) * 100) : s.status === 'RUNNING' || s.status === 'QUEUED' ? 0 : 100;
  return (
    <div className="sweep-progress" data-testid="sweep-progress">
      <p role="status">
        {t('sweep.status', { region: regionLabel(s.regionCode, lang), status: label('sweepStatus', s.status) })}
        {s.error ? ` — ${s.error}` : ''}
      </p>
      <div className="progress" role="progressbar" aria-label={t('sweep.progress')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
        <div className="progress-bar" style={{ width: `${pct}%` }} />
      </div>
      <p className="sweep-counts">
        {t('sweep.counts', {
          households: number(s.householdsChecked),
          total: s.householdsTotal === null ? '?' : number(s.householdsTotal),
          persons: number(s.personsChecked),
          findings: number(s.findingsCount),
          fresh: number(s.newCount),
          gone: number(s.goneCount),
        })}
      </p>
    </div>
  );
}
