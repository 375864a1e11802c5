/**
 * Administrative region codes (GB/T 2260 and the statistical extension for townships and
 * communities): 6 digits for a county, 9 for a township, 12 for a community. Jurisdiction is a
 * prefix: `65` Xinjiang, `6540` Ili prefecture, `654002` Yining city.
 */

const REGION_CODE = /^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/;

/** A full code of a place (county, township or community). */
export function isRegionCode(code: string): boolean {
  return /^(\d{6}|\d{9}|\d{12})$/.test(code);
}

/** A jurisdiction prefix: a province, prefecture, county, township or community code. */
export function isRegionPrefix(prefix: string): boolean {
  return REGION_CODE.test(prefix);
}

/** The county (first 6 digits) a code lies in. */
export function countyOf(code: string): string {
  return code.slice(0, 6);
}

export function isWithin(code: string, prefix: string): boolean {
  return code.startsWith(prefix);
}
