import scriptsJson from '../name-scripts.json' with { type: 'json' };
import { TableCheck } from './tableCheck.ts';

/** The symbols a key is made of: three vowel classes and the consonant classes (name-scripts.json). */
export const KEY_SYMBOLS = 'aiubptdkghcjszlrmn';
export const VOWELS = 'aiu';

interface NameScripts {
  $comment: string[];
  arabic: Record<string, string>;
  cyrillic: Record<string, string>;
  symbols: Record<string, string>;
  pinyin: { syllables: string } & Record<'initials' | 'finals' | 'afterSibilant' | 'afterPalatal' | 'whole' | 'weak', Record<string, string>>;
  hanzi: Record<string, string>;
  hanSurnames: string[];
  patronymicSuffixes: string[];
  elementStart: Record<string, string>;
}

const tables = scriptsJson as NameScripts;
const check = new TableCheck('name-scripts.json');
const ANY = /^/u;
const ONE = /^.$/u;
if (check.object(scriptsJson, 'name-scripts.json', ['$comment', 'arabic', 'cyrillic', 'symbols', 'pinyin', 'hanzi', 'hanSurnames', 'patronymicSuffixes', 'elementStart'])) {
  check.table(tables.arabic, 'arabic', ONE, 'must be one character');
  check.table(tables.cyrillic, 'cyrillic', ONE, 'must be one character');
  check.table(tables.symbols, 'symbols', /^.{1,4}$/u, 'must be one to four characters', new RegExp(`^[${KEY_SYMBOLS}]?$`, 'u'), `must be one of ${KEY_SYMBOLS} or empty`);
  const parts = ['initials', 'finals', 'afterSibilant', 'afterPalatal', 'whole', 'weak'] as const;
  if (check.object(tables.pinyin, 'pinyin', ['syllables', ...parts])) {
    check.string(tables.pinyin.syllables, 'pinyin.syllables');
    for (const part of parts) check.table(tables.pinyin[part], `pinyin.${part}`, /^[a-zü]+$/u, 'must be Pinyin letters');
  }
  check.table(tables.hanzi, 'hanzi', /^\p{Script=Han}$/u, 'must be one Chinese character', /^[a-zü]+$/u, 'must be a Pinyin syllable');
  check.strings(tables.hanSurnames, 'hanSurnames', /^[a-zü]+$/u, 'must be Pinyin');
  check.strings(tables.patronymicSuffixes, 'patronymicSuffixes');
  check.table(tables.elementStart, 'elementStart', /./u, 'must not be empty', ANY);
}
check.done();

const longestGrapheme = Math.max(...Object.keys(tables.symbols).map((g) => g.length));

/**
 * Symbols of a Latin spelling, the longest grapheme first (sh before s, dzh before d); a character
 * no table knows (a Han character, a digit) stays as it is.
 */
export function symbolsOf(latin: string): string {
  let out = '';
  for (let i = 0; i < latin.length; ) {
    let step = 0;
    for (let n = Math.min(longestGrapheme, latin.length - i); n > 0; n--) {
      const symbol = tables.symbols[latin.slice(i, i + n)];
      if (symbol !== undefined) {
        out += symbol;
        step = n;
        break;
      }
    }
    if (step === 0) {
      out += latin[i];
      step = 1;
    }
    i += step;
  }
  return out;
}

export type Script = 'han' | 'latin' | 'cyrillic' | 'arabic' | 'other';

/** The script of one character of a name. */
export function scriptOf(char: string): Script {
  if (/\p{Script=Han}/u.test(char)) return 'han';
  if (/\p{Script=Latin}/u.test(char) || char === "'" || char === '’' || char === 'ʼ' || char === '`') return 'latin';
  if (/\p{Script=Cyrillic}/u.test(char)) return 'cyrillic';
  if (/\p{Script=Arabic}/u.test(char)) return 'arabic';
  return 'other';
}

/** A word of Arabic (Uyghur or Kazakh) or Cyrillic (Kazakh, Uyghur, Russian) script in Latin letters. */
export function romanise(word: string, script: 'arabic' | 'cyrillic'): string {
  const table = tables[script];
  let out = '';
  for (const char of word) out += table[char] ?? char;
  return out;
}

// ——— Pinyin ———

const syllables = new Set(tables.pinyin.syllables.split(/\s+/));
const INITIALS = Object.keys(tables.pinyin.initials).sort((a, b) => b.length - a.length);
const SIBILANTS = new Set(['z', 'c', 's', 'zh', 'ch', 'sh', 'r']);
const PALATALS = new Set(['j', 'q', 'x']);

function splitSyllable(syllable: string): { initial: string; final: string } | null {
  const initial = INITIALS.find((i) => syllable.startsWith(i) && syllable.length > i.length) ?? '';
  const final = syllable.slice(initial.length);
  return final in tables.pinyin.finals || (initial && (final in tables.pinyin.afterSibilant || final in tables.pinyin.afterPalatal)) ? { initial, final } : null;
}

/**
 * A Latin word read as Pinyin syllables, or null if it is not made of them. Where it splits more
 * than one way, the split with fewer syllables that begin with a vowel inside the word wins (Pinyin
 * would need an apostrophe before them: gu-li-na-er, not gu-lin-a-er), then the one with fewer syllables.
 */
export function pinyinSyllables(word: string): string[] | null {
  const n = word.length;
  const best: ({ cost: number; from: number } | undefined)[] = [{ cost: 0, from: -1 }];
  for (let end = 1; end <= n; end++) {
    for (let start = Math.max(0, end - 6); start < end; start++) {
      const before = best[start];
      if (!before || !syllables.has(word.slice(start, end))) continue;
      const cost = before.cost + 1 + (start > 0 && 'aoe'.includes(word[start]!) ? 1 : 0);
      if (!best[end] || cost < best[end]!.cost) best[end] = { cost, from: start };
    }
  }
  if (!best[n]) return null;
  const out: string[] = [];
  for (let end = n; end > 0; end = best[end]!.from) out.unshift(word.slice(best[end]!.from, end));
  return out;
}

/** How Pinyin syllables of a Chinese transcription sound in a Uyghur or Kazakh name (买 mai → mai, 尔 er → r, 逊 xun → sün). */
export function pinyinSound(parts: readonly string[]): string {
  const { pinyin } = tables;
  return parts
    .map((syllable, index) => {
      if (index > 0 && syllable in pinyin.weak) return pinyin.weak[syllable]!;
      if (syllable in pinyin.whole) return pinyin.whole[syllable]!;
      const { initial, final } = splitSyllable(syllable)!;
      const sound =
        (SIBILANTS.has(initial) ? pinyin.afterSibilant[final] : undefined) ??
        (PALATALS.has(initial) ? pinyin.afterPalatal[final] : undefined) ??
        pinyin.finals[final]!;
      return (pinyin.initials[initial] ?? '') + sound;
    })
    .join('');
}

/** The Pinyin of Chinese characters (name-scripts.json's `hanzi`), or null when one has none there. */
export function pinyinOfHan(text: string): string | null {
  let out = '';
  for (const char of text) {
    const syllable = tables.hanzi[char];
    if (syllable === undefined) return null;
    out += syllable;
  }
  return out;
}

const hanSurnames = new Set(tables.hanSurnames);

/**
 * True for a Han (Hui, Xibe) name in Pinyin: two or more words, the first a Chinese surname, all
 * Pinyin, four syllables at most (Wang Fang, Ouyang Xiaoming). Such names are compared as before,
 * letter for letter: their sounds would make Wang Fang and Wang Feng alike.
 */
export function isHanPinyin(words: readonly string[]): boolean {
  if (words.length < 2 || !hanSurnames.has(words[0]!)) return false;
  let count = 0;
  for (const word of words) {
    const parts = pinyinSyllables(word);
    if (!parts) return false;
    count += parts.length;
  }
  return count <= 4;
}

const suffixes = [...tables.patronymicSuffixes].sort((a, b) => b.length - a.length);
const starts = Object.entries(tables.elementStart);

/**
 * One word of a name in Latin letters as it sounds: the Kazakh patronymic ending dropped
 * (Serikuly → serik), a word made of Pinyin syllables read as a Chinese transcription, and a
 * Russian-style initial Ye read as E (Yerlan → erlan).
 */
export function soundOfLatin(word: string, fromPinyin: boolean): string {
  let sound = word;
  for (const suffix of suffixes) {
    if (sound.endsWith(suffix) && sound.length - suffix.length >= 3) {
      sound = sound.slice(0, -suffix.length);
      break;
    }
  }
  if (fromPinyin) {
    const parts = pinyinSyllables(sound);
    if (parts) sound = pinyinSound(parts);
  }
  for (const [from, to] of starts) if (sound.startsWith(from)) sound = to + sound.slice(from.length);
  return sound;
}

// Every Latin spelling the tables produce must be made of known graphemes, or a letter would slip through unread.
{
  const issues = new TableCheck('name-scripts.json');
  const check = (where: string, latin: string) => {
    const symbols = symbolsOf(latin);
    if ([...symbols].some((s) => !KEY_SYMBOLS.includes(s))) issues.fail(where, `"${latin}" has letters that symbols does not know`);
  };
  for (const [table, letters] of [['arabic', tables.arabic], ['cyrillic', tables.cyrillic]] as const) {
    for (const [letter, latin] of Object.entries(letters)) check(`${table}.${letter}`, latin);
  }
  const { pinyin } = tables;
  for (const part of ['initials', 'finals', 'afterSibilant', 'afterPalatal', 'whole', 'weak'] as const) {
    for (const [k, latin] of Object.entries(pinyin[part])) check(`pinyin.${part}.${k}`, latin);
  }
  for (const [char, syllable] of Object.entries(tables.hanzi)) if (!syllables.has(syllable)) issues.fail(`hanzi.${char}`, `${syllable} is no Pinyin syllable`);
  for (const syllable of pinyin.syllables.split(/\s+/)) {
    if (!(syllable in pinyin.whole) && splitSyllable(syllable) === null) issues.fail('pinyin.syllables', `no initial and final make "${syllable}"`);
  }
  issues.done();
}
