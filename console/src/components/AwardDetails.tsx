import type { DetailsAward } from '../api/types.ts';
import { useI18n } from '../i18n/index.tsx';

/** Integer detail fields that hold a calendar year (参保年度). */
const YEAR_FIELDS = new Set(['year']);

/**
 * A department's own fields for one award (the *Details types): labels from the dictionary,
 * amounts in fen as money, dates as dates, coded values translated where the dictionary knows them.
 */
export function AwardDetails({ details }: { details: DetailsAward | undefined }) {
  const { label, money, date, dateTime, number } = useI18n();
  if (!details) return null;
  const rows: [string, string][] = [];
  for (const [group, value] of Object.entries(details)) {
    if (group === 'id' || !value || typeof value !== 'object') continue;
    for (const [field, v] of Object.entries(value)) {
      if (v === null || v === undefined || v === '') continue;
      let text: string;
      if (typeof v === 'number' && field.endsWith('Fen')) text = money(v);
      else if (typeof v === 'number' && field.endsWith('Sqm')) text = `${number(v)} m²`;
      // A year is a name, not a quantity: 2025, never "2,025".
      else if (typeof v === 'number' && YEAR_FIELDS.has(field)) text = String(v);
      else if (typeof v === 'number') text = number(v);
      else if (typeof v === 'string' && /At$/.test(field)) text = dateTime(v);
      else if (typeof v === 'string' && /Date$/.test(field)) text = date(v);
      else text = label('value', String(v));
      rows.push([label('detail', field), text]);
    }
  }
  if (!rows.length) return null;
  return (
    <dl className="details">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
