import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { programmeName } from '../lib/catalogue.ts';
import { formatDate, formatDateTime, formatFen, type Lang } from '../lib/format.ts';
import { en } from './en.ts';
import { zh, type Key } from './zh.ts';

// Every visible string goes through this module: `t` for sentences, `label` for codes
// (departments, relations, statuses…), and the formatters for money and dates.

const DICTIONARIES: Record<Lang, Record<Key, string>> = { zh, en };
const HTML_LANG: Record<Lang, string> = { zh: 'zh-CN', en: 'en' };
const STORAGE_KEY = 'saf.console.lang';

export type LabelGroup = 'dept' | 'deptLong' | 'relation' | 'status' | 'frequency' | 'rule' | 'findingStatus' | 'role' | 'gender' | 'hukou' | 'event' | 'detail' | 'value' | 'sweepStatus' | 'gap' | 'operation' | 'statKind' | 'incomeSource' | 'propertyKind' | 'stage' | 'action' | 'outcome';

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: Key, params?: Record<string, string | number>): string;
  /** The label of a code in a group (`label('dept', 'LABOUR')` → 人社), the code itself if unknown. */
  label(group: LabelGroup, code: string | null | undefined): string;
  programme(code: string): string;
  money(fen: number | string | bigint): string;
  date(iso: string | null | undefined): string;
  dateTime(iso: string | null | undefined): string;
  number(n: number): string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = HTML_LANG[lang];
    document.title = DICTIONARIES[lang]['app.title'];
  }, [lang]);
  const value = useMemo<I18n>(() => {
    const dict = DICTIONARIES[lang];
    const numbers = new Intl.NumberFormat(HTML_LANG[lang]);
    return {
      lang,
      setLang,
      t: (key, params) => {
        let text = dict[key];
        if (params) for (const [k, v] of Object.entries(params)) text = text.replaceAll(`{${k}}`, String(v));
        return text;
      },
      label: (group, code) => {
        if (code === null || code === undefined || code === '') return '';
        return (dict as Record<string, string>)[`${group}.${code}`] ?? code;
      },
      programme: (code) => programmeName(code, lang),
      money: (fen) => formatFen(fen, lang),
      date: (iso) => formatDate(iso, lang),
      dateTime: (iso) => formatDateTime(iso, lang),
      number: (n) => numbers.format(n),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
