import variantsJson from '../name-variants.json' with { type: 'json' };
import { TableCheck } from './tableCheck.ts';

const check = new TableCheck('name-variants.json');
if (check.object(variantsJson, 'name-variants.json', ['separators', 'variants'], ['$comment'])) {
  check.strings(variantsJson.separators, 'separators', /^.$/u, 'must be one character');
  const all: string[] = [];
  variantsJson.variants.forEach((entry: unknown, index) => {
    const path = `variants[${index}]`;
    if (!check.object(entry, path, ['canonical', 'variants'], ['latin'])) return;
    check.string(entry.canonical, `${path}.canonical`);
    if (check.strings(entry.variants, `${path}.variants`, /./u, 'must not be empty', 1)) all.push(...entry.variants);
    if (entry.latin !== undefined) check.string(entry.latin, `${path}.latin`);
  });
  variantsJson.variants.forEach((entry, index) => {
    // A canonical form holding a variant would be rewritten again: normalising must be idempotent.
    for (const variant of all) if (typeof entry.canonical === 'string' && entry.canonical.includes(variant)) check.fail(`variants[${index}]`, `canonical ${entry.canonical} contains the variant ${variant}`);
  });
  const repeated = all.filter((v, i) => all.indexOf(v) !== i);
  if (repeated.length) check.fail('variants', `variants listed twice: ${repeated.join(', ')}`);
}
check.done();
const table = variantsJson;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
/** Separators between the parts of a name (and whitespace), as name-variants.json lists them. */
export const separators = new RegExp(`[\\s${table.separators.map((s) => escape(s.normalize('NFKC'))).join('')}]+`, 'gu');
const canonicalOf = new Map(table.variants.flatMap((e) => e.variants.map((v) => [v.normalize('NFKC'), e.canonical] as const)));
// Longest first, so a longer variant wins over one it contains.
const variantPattern = new RegExp([...canonicalOf.keys()].sort((a, b) => b.length - a.length).map(escape).join('|'), 'gu');

/**
 * A name reduced to what identifies it across transliterations of Uyghur and Kazakh names: width
 * and compatibility forms unified (NFKC), separators (· • . ． ・, spaces, hyphens) removed, Latin
 * case-folded, and common variant spellings of transliteration characters (麦麦提 → 买买提, …)
 * rewritten to one form. The table is `name-variants.json`.
 */
export function normaliseName(name: string): string {
  const folded = name.normalize('NFKC').replace(separators, '').toLowerCase();
  return canonicalOf.size === 0 ? folded : folded.replace(variantPattern, (v) => canonicalOf.get(v) ?? v);
}
