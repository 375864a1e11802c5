import { useId } from 'react';

export interface Bar {
  label: string;
  value: number;
  /** Text after the bar instead of the number (e.g. "≥ 12", "< 5"). */
  text?: string;
  /** Drawn hatched: the value is a lower bound or suppressed. */
  uncertain?: boolean;
}

const WIDTH = 560;
const LABEL_W = 220;
const ROW_H = 26;

/**
 * Horizontal bars drawn by hand in SVG (no chart library). `target` draws a vertical line at
 * that value, labelled, for the policy targets. The numbers are also written next to the bars.
 */
export function BarChart({ title, bars, format, target, max: fixedMax }: { title: string; bars: Bar[]; format: (n: number) => string; target?: { value: number; label: string }; max?: number }) {
  // useId gives :r1:, which url(#…) does not take.
  const id = `chart${useId().replace(/[^a-zA-Z0-9]/g, '')}`;
  const max = fixedMax ?? Math.max(1, ...bars.map((b) => b.value), target?.value ?? 0);
  const plot = WIDTH - LABEL_W - 90;
  const height = 24 + bars.length * ROW_H + (target ? 18 : 4);
  const x = (v: number) => LABEL_W + (v / max) * plot;
  return (
    <figure className="chart">
      <figcaption id={id}>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width={WIDTH} height={height} role="img" aria-labelledby={id}>
        <defs>
          <pattern id={`${id}-hatch`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#dbe7f5" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#0b5cad" strokeWidth="3" />
          </pattern>
        </defs>
        <line x1={LABEL_W} x2={LABEL_W} y1={8} y2={height - (target ? 18 : 4)} stroke="#8a8a8a" />
        {bars.map((b, i) => {
          const y = 14 + i * ROW_H;
          return (
            <g key={`${b.label}-${i}`}>
              <title>{`${b.label}: ${b.text ?? format(b.value)}`}</title>
              <text x={LABEL_W - 8} y={y + 13} fontSize="12" textAnchor="end" fill="#1a1a1a">{b.label.length > 22 ? `${b.label.slice(0, 21)}…` : b.label}</text>
              <rect x={LABEL_W} y={y} width={Math.max(b.value > 0 ? 2 : 0, x(b.value) - LABEL_W)} height={18} fill={b.uncertain ? `url(#${id}-hatch)` : '#0b5cad'} />
              <text x={x(b.value) + 6} y={y + 13} fontSize="12" fill="#1a1a1a">{b.text ?? format(b.value)}</text>
            </g>
          );
        })}
        {target && (
          <g>
            <line x1={x(target.value)} x2={x(target.value)} y1={8} y2={height - 16} stroke="#b3261e" strokeWidth={2} strokeDasharray="5 3" />
            <text x={x(target.value)} y={height - 3} fontSize="12" fill="#b3261e" textAnchor="middle">{target.label}</text>
          </g>
        )}
      </svg>
    </figure>
  );
}
