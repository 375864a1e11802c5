import type { Award, Finding } from '../api/types.ts';
import { awardKey } from '../api/types.ts';
import { useI18n } from '../i18n/index.tsx';
import { dayNumber, todayIso } from '../lib/format.ts';
import { STATUS_FILL } from './status.ts';

const WIDTH = 960;
const LABEL_W = 300;
const ROW_H = 30;
const TOP = 34;
/** A column on the right for the status as text. */
const STATUS_W = 110;

/** Labels must fit the label column (about 23 Chinese or 42 Latin characters at 12px). */
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The household's awards on one time axis: a bar per award over its period (inclusive), open
 * periods running to today with an arrow, the status as colour and as text, awards that a
 * standing finding concerns outlined in red. Drawn by hand: no chart library, nothing fetched.
 */
export function Timeline({ awards, findingsByKey, names }: { awards: Award[]; findingsByKey: Map<string, Finding[]>; names: Map<string, string> }) {
  const { t, label, programme, money, date, lang } = useI18n();
  if (!awards.length) return null;
  const today = todayIso();
  const todayN = dayNumber(today);
  const sorted = [...awards].sort((a, b) => a.startDate.localeCompare(b.startDate) || a.department.localeCompare(b.department));
  const ends = sorted.map((a) => (a.endDate ? dayNumber(a.endDate) : a.frequency === 'ONCE' ? dayNumber(a.startDate) : todayN));
  const min = Math.min(...sorted.map((a) => dayNumber(a.startDate)));
  const max = Math.max(todayN, ...ends) + 1;
  // Whole years on the axis, at least one.
  const y0 = new Date(min * 86_400_000).getUTCFullYear();
  const y1 = new Date(max * 86_400_000).getUTCFullYear() + 1;
  const from = Date.UTC(y0, 0, 1) / 86_400_000;
  const to = Date.UTC(y1, 0, 1) / 86_400_000;
  const x = (day: number) => LABEL_W + ((day - from) / (to - from)) * (WIDTH - LABEL_W - STATUS_W - 14);
  const height = TOP + sorted.length * ROW_H + 10;
  const years = Array.from({ length: y1 - y0 + 1 }, (_, i) => y0 + i);

  return (
    <figure className="timeline">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby="timeline-title timeline-desc" width="100%">
        <title id="timeline-title">{t('timeline.title')}</title>
        <desc id="timeline-desc">{t('timeline.desc', { count: sorted.length })}</desc>
        <defs>
          <marker id="open-end" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" markerHeight="6" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" fill="#1a1a1a" />
          </marker>
        </defs>
        {years.map((y) => {
          const xx = x(Date.UTC(y, 0, 1) / 86_400_000);
          return (
            <g key={y}>
              <line x1={xx} x2={xx} y1={TOP - 8} y2={height - 6} stroke="#c8c8c8" />
              {y < y1 && (
                <text x={xx + 4} y={TOP - 14} fontSize="12" fill="#3d3d3d">
                  {lang === 'zh' ? `${y}年` : y}
                </text>
              )}
            </g>
          );
        })}
        <line x1={x(todayN)} x2={x(todayN)} y1={TOP - 8} y2={height - 6} stroke="#b3261e" strokeDasharray="4 3" />
        <text x={x(todayN) - 4} y={height - 0} fontSize="11" fill="#b3261e" textAnchor="end">{t('timeline.today')}</text>
        {sorted.map((a, i) => {
          const y = TOP + i * ROW_H;
          const start = dayNumber(a.startDate);
          const open = !a.endDate && a.frequency !== 'ONCE';
          const end = (a.endDate ? dayNumber(a.endDate) : open ? todayN : start) + 1;
          const x1 = x(start);
          const x2 = Math.max(x(end), x1 + 4);
          const flagged = (findingsByKey.get(awardKey(a)) ?? []).some((f) => f.status === 'OPEN');
          const fill = STATUS_FILL[a.status] ?? '#5f5f5f';
          const period = a.endDate ? `${date(a.startDate)} – ${date(a.endDate)}` : open ? `${date(a.startDate)} – ${t('awards.ongoing')}` : date(a.startDate);
          return (
            <g key={awardKey(a)} data-award-key={awardKey(a)}>
              <title>{`${label('dept', a.department)} · ${programme(a.programme)} · ${names.get(a.personId) ?? a.personId} · ${period} · ${money(a.amountFen)} ${label('frequency', a.frequency)} · ${label('status', a.status)}${flagged ? ` · ${t('timeline.flagged')}` : ''}`}</title>
              <text x={4} y={y + 13} fontSize="12" fill="#1a1a1a">
                {clip(`${label('dept', a.department)} · ${programme(a.programme)}`, lang === 'zh' ? 23 : 42)}
              </text>
              <text x={4} y={y + 26} fontSize="11" fill="#3d3d3d">
                {`${names.get(a.personId) ?? ''} · ${money(a.amountFen)} ${label('frequency', a.frequency)}`}
              </text>
              <rect x={x1} y={y + 5} width={x2 - x1} height={16} rx={2} fill={fill} stroke={flagged ? '#b3261e' : 'none'} strokeWidth={flagged ? 3 : 0} />
              {open && <line x1={x2} x2={x2 + 10} y1={y + 13} y2={y + 13} stroke="#1a1a1a" strokeWidth={2} markerEnd="url(#open-end)" />}
              <text x={WIDTH - STATUS_W + 8} y={y + 17} fontSize="12" fill={flagged ? '#b3261e' : '#1a1a1a'}>
                {`${label('status', a.status)}${flagged ? ' ⚠' : ''}`}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        {t('timeline.legend')}{' '}
        {Object.entries(STATUS_FILL).map(([status, colour]) => (
          <span key={status} className="legend-item">
            <svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill={colour} /></svg> {label('status', status)}
          </span>
        ))}
        <span className="legend-item legend-flag">{t('timeline.flagLegend')}</span>
      </figcaption>
    </figure>
  );
}
