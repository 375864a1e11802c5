import { z } from 'zod';
import variantsJson from '../name-variants.json' with { type: 'json' };
import { formatIssues } from './ruleSet.ts';

const tableSchema = z
  .object({
    separators: z.array(z.string().length(1, 'must be one character')),
    variants: z.array(
      z.strictObject({
        canonical: z.string().min(1),
        variants: z.array(z.string().min(1)).min(1),
        latin: z.string().optional(),
      }),
    ),
  })
  .superRefine((table, ctx) => {
    const all = table.variants.flatMap((v) => v.variants);
    table.variants.forEach((entry, index) => {
      // A canonical form holding a variant would be rewritten again: normalising must be idempotent.
      for (const variant of all) {
        if (entry.canonical.includes(variant)) {
          ctx.addIssue({ code: 'custom', path: ['variants', index], message: `canonical ${entry.canonical} contains the variant ${variant}` });
        }
      }
    });
    const repeated = all.filter((v, i) => all.indexOf(v) !== i);
    if (repeated.length) ctx.addIssue({ code: 'custom', path: ['variants'], message: `variants listed twice: ${repeated.join(', ')}` });
  });

const parsedTable = tableSchema.safeParse(variantsJson);
if (!parsedTable.success) throw new Error(`invalid name-variants.json:\n${formatIssues(parsedTable.error)}`);
const table = parsedTable.data;

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
