import type { Lang } from './format.ts';

// County names for the charts (GB/T 2260, 伊犁哈萨克自治州); codes not listed show as the code.
const COUNTIES: Record<string, [string, string]> = {
  '654002': ['伊宁市', 'Yining City'],
  '654003': ['奎屯市', 'Kuytun City'],
  '654004': ['霍尔果斯市', 'Khorgas City'],
  '654021': ['伊宁县', 'Yining County'],
  '654022': ['察布查尔锡伯自治县', 'Qapqal Xibe County'],
  '654023': ['霍城县', 'Huocheng County'],
  '654024': ['巩留县', 'Gongliu County'],
  '654025': ['新源县', 'Xinyuan County'],
  '654026': ['昭苏县', 'Zhaosu County'],
  '654027': ['特克斯县', 'Tekes County'],
  '654028': ['尼勒克县', 'Nilka County'],
};

export function countyName(code: string, lang: Lang): string {
  const names = COUNTIES[code.slice(0, 6)];
  return names ? `${lang === 'zh' ? names[0] : names[1]} (${code.slice(0, 6)})` : code.slice(0, 6);
}

/** A jurisdiction prefix the graph accepts: 2, 4, 6, 9 or 12 digits. */
export function isRegionPrefix(value: string): boolean {
  return /^\d+$/.test(value) && [2, 4, 6, 9, 12].includes(value.length);
}
