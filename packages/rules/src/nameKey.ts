import elementsJson from '../name-elements.json' with { type: 'json' };
import { normaliseName, separators } from './names.ts';
import { TableCheck } from './tableCheck.ts';
import { VOWELS, isHanPinyin, pinyinOfHan, pinyinSyllables, romanise, scriptOf, soundOfLatin, symbolsOf, type Script } from './transliterate.ts';

/*
 * One key per name, the same for the name in Chinese transcription, in Latin letters (ULY, Kazakh
 * Latin, Pinyin, Russian or English style), in Uyghur or Kazakh Arabic script and in Cyrillic, so
 * that the duplicate-identity rule compares keys and never pairs of names.
 *
 *  1. Each word becomes a Latin spelling (name-scripts.json): Arabic and Cyrillic letter by letter,
 *     a word of Pinyin syllables as a Chinese transcription reads back, a Chinese name through its
 *     name elements (name-elements.json).
 *  2. Each spelling becomes symbols, one per class of sounds that the scripts write differently
 *     for one name (e/a, q/k, x/h, sh/s, zh/j, ü/u, …), a word-final h after a vowel dropped and a
 *     final d, b, g devoiced (Ahmad, Ahmet). A word whose key is a variant in name-elements.json
 *     (Muhammad) becomes its canonical element (Memet).
 *  3. The words' symbols, joined (so separators do not matter), lose what transcriptions add or
 *     drop: doubled symbols once (Abdulla, Abdula), i and u between two consonants or after the
 *     last one (the vowels Chinese adds to close a syllable: 买买提 Maimaiti for Memet, 古丽 Guli
 *     for Gül; Kazakh ы and і for Uyghur u and i: Тұрсын for Tursun), and the i of a diphthong
 *     before a consonant (Pinyin ai for Uyghur e, Aidana for Aydana).
 *
 * A name in Chinese characters gets such a key only when all of it splits into name elements;
 * otherwise, as every Han name, it keeps the comparison it had before (normaliseName): 王芳 and 汪芳
 * stay apart, and no Han name matches its Pinyin. Han names in Pinyin (Wang Fang) likewise.
 */

/** One entry of name-elements.json. */
export interface NameElement {
  /** The canonical spelling: ULY for Uyghur names, Kazakh Latin for Kazakh names. */
  latin: string;
  /** Chinese transcriptions. */
  zh: string[];
  /** The Uyghur Arabic spelling (checked to key alike by transliteration alone). */
  uey?: string;
  /** The Kazakh Cyrillic spelling (likewise). */
  kk?: string;
  /** Other forms of the name, any script, read as this element. */
  variants?: string[];
  note?: string;
}

/** Symbols of one word: its Latin spelling in symbols, a final h after a vowel dropped, a final d, b or g devoiced. */
function wordSymbols(sound: string): string {
  let symbols = symbolsOf(sound);
  while (symbols.length > 1 && symbols.endsWith('h') && VOWELS.includes(symbols.at(-2)!)) symbols = symbols.slice(0, -1);
  const last = symbols.at(-1);
  const devoiced = last === 'd' ? 't' : last === 'b' ? 'p' : last === 'g' ? 'k' : last;
  return symbols.slice(0, -1) + (devoiced ?? '');
}

const BOUNDARY = '|';
const isConsonant = (s: string | undefined) => s !== undefined && s !== BOUNDARY && !VOWELS.includes(s);
const collapse = (s: string) => s.replace(/(.)\1+/gu, '$1');

/**
 * The key of the words' symbols (step 3 above). A vowel ends a word the way it ends a name: the i
 * of 买买提 Maimaiti is dropped before Aili as before nothing. Otherwise words run on, so that
 * separators do not matter.
 */
function keyOfSymbols(words: readonly string[]): string {
  const s = [...words.map(collapse).join(BOUNDARY)];
  let out = '';
  let prev: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === BOUNDARY) continue;
    const next = s[i + 1];
    const after = next === BOUNDARY ? s[i + 2] : next;
    const closing = (c === 'i' || c === 'u') && isConsonant(prev) && (next === undefined || next === BOUNDARY || isConsonant(next));
    const glide = c === 'i' && prev !== undefined && VOWELS.includes(prev) && isConsonant(after);
    if (!closing && !glide) out += c;
    prev = c;
  }
  return collapse(out);
}

/** A word in any script (not Han) as it sounds in Latin letters; `pinyin` when the name is all Pinyin. */
function soundOf(word: string, script: Script, pinyin: boolean): string {
  if (script === 'arabic' || script === 'cyrillic') return soundOfLatin(romanise(word, script), false);
  if (script === 'latin') return soundOfLatin(word, pinyin);
  return word;
}

// ——— The name elements ———

{
  const check = new TableCheck('name-elements.json');
  if (check.object(elementsJson, 'name-elements.json', ['elements'], ['$comment'])) {
    (elementsJson.elements as unknown[]).forEach((e, i) => {
      const path = `elements[${i}]`;
      if (!check.object(e, path, ['latin', 'zh'], ['uey', 'kk', 'variants', 'note'])) return;
      check.string(e.latin, `${path}.latin`, /^\p{Script=Latin}+$/u, 'must be one word in Latin letters');
      check.strings(e.zh, `${path}.zh`, /^\p{Script=Han}+$/u, 'must be Chinese characters', 1);
      if (e.uey !== undefined) check.string(e.uey, `${path}.uey`, /^\p{Script=Arabic}+$/u, 'must be one word in Arabic script');
      if (e.kk !== undefined) check.string(e.kk, `${path}.kk`, /^\p{Script=Cyrillic}+$/u, 'must be one word in Cyrillic');
      if (e.variants !== undefined) check.strings(e.variants, `${path}.variants`);
      if (e.note !== undefined) check.string(e.note, `${path}.note`);
    });
  }
  check.done();
}
/** name-elements.json as read. */
export const nameElements: readonly NameElement[] = elementsJson.elements;

/** Chinese spelling (as normaliseName writes it) → the element's symbols. */
const bySpelling = new Map<string, string>();
/** The Pinyin of a Chinese spelling → the element's symbols. */
const byPinyin = new Map<string, string>();
/** Key of a variant word → the symbols of the element it is a form of. */
const byVariantKey = new Map<string, string>();
let longestSpelling = 0;
let longestPinyin = 0;
{
  const issues = new TableCheck('name-elements.json');
  const canonical = nameElements.map((e) => wordSymbols(soundOf(e.latin.toLowerCase(), 'latin', false)));
  /** Key of an element's canonical spelling → that element (the first with that key). */
  const byKey = new Map<string, number>();
  canonical.forEach((symbols, i) => byKey.has(keyOfSymbols([symbols])) || byKey.set(keyOfSymbols([symbols]), i));
  nameElements.forEach((element, i) => {
    const symbols = canonical[i]!;
    for (const zh of element.zh) {
      const spelling = normaliseName(zh);
      const earlier = bySpelling.get(spelling);
      if (earlier !== undefined && earlier !== symbols) issues.fail(element.latin, `${zh} is already the spelling of another element`);
      bySpelling.set(spelling, symbols);
      longestSpelling = Math.max(longestSpelling, [...spelling].length);
      const pinyin = pinyinOfHan(spelling);
      if (pinyin === null) issues.fail(element.latin, `${zh} has a character without Pinyin in name-scripts.json's hanzi`);
      else if (byPinyin.has(pinyin) && byPinyin.get(pinyin) !== symbols) issues.fail(element.latin, `${zh} reads ${pinyin} in Pinyin, as another element's spelling does`);
      else {
        byPinyin.set(pinyin, symbols);
        longestPinyin = Math.max(longestPinyin, pinyin.length);
      }
    }
    for (const variant of element.variants ?? []) {
      const folded = variant.normalize('NFKC').toLowerCase();
      const key = keyOfSymbols([wordSymbols(soundOf(folded, scriptOf(folded[0]!), false))]);
      const other = byKey.get(key);
      if (other !== undefined && canonical[other] !== symbols) issues.fail(element.latin, `the variant ${variant} sounds like the element ${nameElements[other]!.latin}`);
      const earlier = byVariantKey.get(key);
      if (earlier !== undefined && earlier !== symbols) issues.fail(element.latin, `the variant ${variant} sounds like a variant of another element`);
      byVariantKey.set(key, symbols);
    }
  });
  issues.done();
}

/**
 * A Chinese name (normaliseName's form), or a word in the Pinyin of one, split into name elements:
 * their symbols in order; null when some part is no element. Fewest parts wins (阿依古丽 whole,
 * not 阿依 + 古丽: the same sounds anyway).
 */
function splitIntoElements(text: string, spellings: ReadonlyMap<string, string>, longest: number): string[] | null {
  const chars = [...text];
  const best: ({ parts: number; from: number; symbols: string } | undefined)[] = [{ parts: 0, from: -1, symbols: '' }];
  for (let end = 1; end <= chars.length; end++) {
    for (let start = Math.max(0, end - longest); start < end; start++) {
      const before = best[start];
      const symbols = before && spellings.get(chars.slice(start, end).join(''));
      if (symbols === undefined || (best[end] && best[end]!.parts <= before!.parts + 1)) continue;
      best[end] = { parts: before!.parts + 1, from: start, symbols };
    }
  }
  if (!best[chars.length]) return null;
  const out: string[] = [];
  for (let end = chars.length; end > 0; end = best[end]!.from) out.unshift(best[end]!.symbols);
  return out;
}

const splitChinese = (name: string) => splitIntoElements(name, bySpelling, longestSpelling);
const splitPinyin = (word: string) => splitIntoElements(word, byPinyin, longestPinyin);

/** Words of a name: split at separators and wherever the script changes (Memet艾力). */
function wordsOf(folded: string): { text: string; script: Script }[] {
  const words: { text: string; script: Script }[] = [];
  for (const part of folded.split(separators)) {
    let word: { text: string; script: Script } | undefined;
    for (const char of part) {
      const script = scriptOf(char);
      if (word?.script === script) word.text += char;
      else words.push((word = { text: char, script }));
    }
  }
  return words;
}

function computeKey(name: string): string {
  const folded = name.normalize('NFKC').toLowerCase().replace(/\p{Mn}/gu, '');
  const words = wordsOf(folded);
  if (words.length === 0) return '';
  const literal = () => {
    const before = normaliseName(name);
    return before && `=${before}`;
  };
  if (words.every((w) => w.script === 'han')) {
    const elements = splitChinese(normaliseName(name));
    return elements ? `~${keyOfSymbols(elements)}` : literal();
  }
  const allLatin = words.every((w) => w.script === 'latin');
  if (allLatin && isHanPinyin(words.map((w) => w.text))) return literal();
  // Pinyin rules only for a name of two or more words that are all Pinyin (as the Pinyin of a Chinese
  // given name · father's name is): a single word such as Reshide or Ruqiye would read re-shi-de, ru-qi-ye.
  const pinyin = allLatin && words.length > 1 && words.every((w) => pinyinSyllables(w.text) !== null);
  const symbols = words.flatMap(({ text, script }) => {
    if (script === 'han') return splitChinese(normaliseName(text)) ?? [normaliseName(text)];
    // The Pinyin of a Chinese spelling in name-elements.json (Maimaiti, Aili) is that element.
    const elements = script === 'latin' ? splitPinyin(text) : null;
    if (elements) return elements;
    const own = wordSymbols(soundOf(text, script, pinyin));
    return [byVariantKey.get(keyOfSymbols([own])) ?? own];
  });
  return `~${keyOfSymbols(symbols)}`;
}

// Sweeps key every person of a region, and names repeat: remember the keys of recent names.
const cache = new Map<string, string>();
const CACHE_SIZE = 50_000;

/**
 * The key the duplicate-identity rule compares names by: equal keys mean the same name, whether
 * written in Chinese transcription, Latin letters, Uyghur or Kazakh script. `~` starts a phonetic
 * key, `=` a name compared as before (Han names, and Chinese names outside name-elements.json);
 * '' for a name that is only separators.
 */
export function nameKey(name: string): string {
  let key = cache.get(name);
  if (key === undefined) {
    key = computeKey(name);
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(name, key);
  }
  return key;
}
