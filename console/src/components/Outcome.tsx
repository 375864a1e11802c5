import type { ReactNode } from 'react';
import type { QueryState } from '../api/useGraphQL.ts';
import type { Unavailable } from '../api/outcome.ts';
import { useI18n } from '../i18n/index.tsx';
import { Notice } from './Notice.tsx';

/** The banner for a partial answer: which department is missing, and that the rest is shown. */
export function UnavailableBanner({ unavailable }: { unavailable: Unavailable[] }) {
  const { t, label } = useI18n();
  if (!unavailable.length) return null;
  return (
    <>
      {unavailable.map((u) => (
        <Notice key={u.serviceName} kind="warning">
          {u.department ? t('partial.department', { department: label('dept', u.department) }) : t('partial.service', { service: label('dept', u.serviceName) })}
        </Notice>
      ))}
    </>
  );
}

/**
 * Renders a query's state: loading, the refusal (无权查看, never partial data), a missing
 * feature, an error, or `children(data)` with the partial-answer banner above it.
 */
export function OutcomeView<T>({ state, children, feature }: { state: QueryState<T>; children: (data: T) => ReactNode; feature?: string }) {
  const { t } = useI18n();
  switch (state.kind) {
    case 'idle':
      return null;
    case 'loading':
      return <p className="loading" role="status">{t('common.loading')}</p>;
    case 'forbidden':
      return <Notice kind="forbidden" title={t('forbidden.title')}>{t('forbidden.body')}</Notice>;
    case 'missing':
      return (
        <Notice kind="info" title={t('missing.title')}>
          {t('missing.body', { feature: feature ?? state.fields.join(', ') })}
        </Notice>
      );
    case 'invalid':
      return <Notice kind="error" title={t('error.invalid')}>{state.message}</Notice>;
    case 'error':
      return <Notice kind="error" title={state.code === 'UNREACHABLE' ? t('error.unreachable') : t('error.title')}>{state.code === 'UNREACHABLE' ? null : state.message}</Notice>;
    case 'ok':
      return (
        <>
          <UnavailableBanner unavailable={state.unavailable} />
          {children(state.data)}
        </>
      );
  }
}
