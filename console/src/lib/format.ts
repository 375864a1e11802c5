/** Formatting for China: money from integer fen without floating point, dates as 2024年3月5日. */

export type Lang = 'zh' | 'en';
export const LOCALES: Record<Lang, string> = { zh: 'zh-CN', en: 'en-GB' };

const money = new Map<Lang, Intl.NumberFormat>();
function moneyFormat(lang: Lang): Intl.NumberFormat {
  let nf = money.get(lang);
  if (!nf) {
    nf = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-US', { style: 'currency', currency: 'CNY', minimumFractionDigits: 2, maximumFractionDigits: 2 });
    money.set(lang, nf);
  }
  return nf;
}

/**
 * Fen (an integer, or a decimal string for aggregates beyond 2^53) as yuan: the whole yuan go
 * through Intl as a BigInt and the two fen digits are put in the fraction, so no float touches it.
 */
export function formatFen(fen: number | string | bigint, lang: Lang = 'zh'): string {
  const total = BigInt(fen);
  const negative = total < 0n;
  const abs = negative ? -total : total;
  const cents = (abs % 100n).toString().padStart(2, '0');
  const text = moneyFormat(lang)
    .formatToParts(abs / 100n)
    .map((p) => (p.type === 'fraction' ? cents : p.value))
    .join('');
  return negative ? `-${text}` : text;
}

/** GraphQL `Int` is 32-bit: the largest amount an award can carry. */
export const MAX_AMOUNT_FEN = 2_147_483_647;

/** "1234.5" yuan → 123450 fen, exactly (string arithmetic); null when not a valid amount. No commas:
 * in China a comma groups thousands, so "1,50" is refused rather than guessed. */
export function parseYuan(text: string): number | null {
  const m = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const fen = BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
  return fen <= BigInt(MAX_AMOUNT_FEN) ? Number(fen) : null;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2024-03-05" → 2024年3月5日 (zh) or 5 Mar 2024 (en); read as a calendar date, no time zone. */
export function formatDate(iso: string | null | undefined, lang: Lang = 'zh'): string {
  if (!iso) return '';
  const m = ISO_DATE.exec(iso);
  if (!m) return iso;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return lang === 'zh' ? `${y}年${mo}月${d}日` : `${d} ${MONTHS_EN[mo - 1]} ${y}`;
}

/**
 * Text written by the graph with ISO dates in it (a finding's explanation: "2024-03-01 至今"), its
 * dates written as the console writes them, so one sentence never mixes 2024-03-01 and 2024年3月1日.
 */
export function localiseDates(text: string, lang: Lang = 'zh'): string {
  return text.replace(/(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])/g, (iso) => (isValidIsoDate(iso) ? formatDate(iso, lang) : iso));
}

/** An instant (ISO date-time) in the viewer's time zone: date as above, then HH:mm:ss. */
export function formatDateTime(iso: string | null | undefined, lang: Lang = 'zh'): string {
  if (!iso) return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  return `${formatDate(day, lang)} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
}

/** Today in the viewer's calendar, as YYYY-MM-DD. */
export function todayIso(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * The last day of the month before the one `now` is in: the latest date published statistics
 * (for analysts, auditors and department officers) are given for. keep in sync with
 * `lastCompleteMonthEnd` in subgraphs/coordination/src/statistics/publication.ts.
 */
export function lastMonthEndIso(now = new Date()): string {
  return todayIso(new Date(now.getFullYear(), now.getMonth(), 0));
}

/** Full years between a birth date and `on` (both YYYY-MM-DD). */
export function ageOn(birthDate: string, on: string): number | null {
  const b = ISO_DATE.exec(birthDate);
  const o = ISO_DATE.exec(on);
  if (!b || !o) return null;
  let age = Number(o[1]) - Number(b[1]);
  if (Number(o[2]) * 100 + Number(o[3]) < Number(b[2]) * 100 + Number(b[3])) age--;
  return age;
}

/** Days since 1970-01-01 of a calendar date (for drawing periods). */
export function dayNumber(iso: string): number {
  const m = ISO_DATE.exec(iso);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
}

/** A resident ID number for lists: region and last four only (654002********0012). */
export function maskId(id: string): string {
  if (id.length === 18) return `${id.slice(0, 6)}********${id.slice(14)}`;
  if (id.length <= 4) return '*'.repeat(id.length);
  return `${id.slice(0, Math.min(6, id.length - 4))}${'*'.repeat(Math.max(0, id.length - 10))}${id.slice(-4)}`;
}

export function isValidIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}
