import type { FindingEvent } from '../api/types.ts';
import { useI18n } from '../i18n/index.tsx';

/**
 * What happened to a stored finding, in order: found by a sweep, gone, back, and each review with
 * its note, who made it (and as what) and when. A reviewed finding is read here, not just 已确认.
 */
export function FindingHistory({ events }: { events: FindingEvent[] }) {
  const { t, label, dateTime } = useI18n();
  return (
    <section className="finding-history">
      <h4>{t('finding.history')}</h4>
      <ol>
        {events.map((e, i) => (
          <li key={`${e.at}-${i}`} data-event={e.event}>
            <span className="history-event">{label('event', e.event)}</span>{' '}
            <time dateTime={e.at}>{dateTime(e.at)}</time>
            {e.actor && <span className="history-actor">{` · ${e.actorRole ? t('finding.by', { actor: e.actor, role: label('role', e.actorRole) }) : e.actor}`}</span>}
            {e.note && <p className="history-note">{e.note}</p>}
          </li>
        ))}
      </ol>
    </section>
  );
}
