import type { Lang } from './format.ts';

// Region names (GB/T 2260): Xinjiang, the Ili Kazakh Autonomous Prefecture and its county-level
// divisions, the regions this platform serves. A code not listed shows as the code.
const REGIONS: Record<string, [string, string]> = {
  '65': ['新疆维吾尔自治区', 'Xinjiang'],
  '6540': ['伊犁哈萨克自治州', 'Ili Prefecture'],
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

const known = (code: string, lang: Lang): string | null => {
  const names = REGIONS[code];
  return names ? (lang === 'zh' ? names[0] : names[1]) : null;
};

/**
 * A region in words: its name (伊宁市); a township or village code under a known county as the
 * county's name and the code (伊宁市 654002001); else the code.
 */
export function regionName(code: string, lang: Lang): string {
  const exact = known(code, lang);
  if (exact) return exact;
  for (const length of [6, 4, 2]) {
    const parent = code.length > length ? known(code.slice(0, length), lang) : null;
    if (parent) return `${parent} ${code}`;
  }
  return code;
}

/** A region's name with its code, for where the code is typed elsewhere: 伊宁市 (654002). */
export function regionLabel(code: string, lang: Lang): string {
  const exact = known(code, lang);
  return exact ? `${exact} (${code})` : regionName(code, lang);
}

/** A county (the first 6 digits of a code) for the charts: 伊宁市 (654002). */
export function countyName(code: string, lang: Lang): string {
  return regionLabel(code.slice(0, 6), lang);
}

/** A jurisdiction prefix the graph accepts: 2, 4, 6, 9 or 12 digits. */
export function isRegionPrefix(value: string): boolean {
  return /^\d+$/.test(value) && [2, 4, 6, 9, 12].includes(value.length);
}
