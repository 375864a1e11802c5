import { programme } from '@saf/programmes';
import { departmentShortName } from './departments.ts';
import type { Period } from './dates.ts';
import type { RulePerson } from './types.ts';

export type Lang = 'zh' | 'en';

/** Fills `{name}` placeholders; the schemas reject templates naming anything else. */
export function render(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^{}]*)\}/g, (whole, name: string) => values[name] ?? whole);
}

export function joinList(items: readonly string[], lang: Lang): string {
  if (lang === 'zh') return items.join('、');
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The person's name when civil affairs has one, else the ID number. */
export function personLabel(personId: string, person: RulePerson | undefined): string {
  return person?.name?.trim() || personId;
}

export function programmesText(codes: readonly string[], lang: Lang): string {
  const names = [...new Set(codes)].map((code) => {
    const info = programme(code);
    return info ? (lang === 'zh' ? info.nameZh : info.nameEn) : code;
  });
  return lang === 'zh' ? names.join('与') : joinList(names, lang);
}

export function departmentsText(codes: readonly string[], lang: Lang): string {
  return joinList(codes.map((code) => departmentShortName(code, lang)), lang);
}

export function periodText(period: Period, lang: Lang): string {
  if (lang === 'zh') return period.end === null ? `${period.start} 至今` : `${period.start} 至 ${period.end}`;
  return period.end === null ? `${period.start} onwards` : `${period.start} to ${period.end}`;
}
