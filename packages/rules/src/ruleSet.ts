import { z } from 'zod';
import { programme } from '@saf/programmes';
import rulesJson from '../rules.json' with { type: 'json' };
import { RULE_CODES } from './types.ts';

/** Placeholders an explanation template may use; keep in sync with `render` in explain.ts. */
export const TEMPLATE_PLACEHOLDERS = ['persons', 'programmes', 'period', 'departments', 'household', 'deathDate'] as const;

export function templateSchema(allowed: readonly string[]) {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .superRefine((template, ctx) => {
      for (const [, name] of template.matchAll(/\{([^{}]*)\}/g)) {
        if (!allowed.includes(name ?? '')) {
          ctx.addIssue({ code: 'custom', message: `unknown placeholder {${name}} (allowed: ${allowed.map((p) => `{${p}}`).join(' ')})` });
        }
      }
    });
}

const text = z.string().trim().min(1, 'must not be empty');

/** Where a rule comes from in policy: the document, the clause, and a short quote of it. */
export const basisSchema = z.strictObject({ document: text, clause: text, quote: text });

const pair = z.tuple([z.string(), z.string()]).superRefine((codes, ctx) => {
  codes.forEach((code, index) => {
    if (!programme(code)) {
      ctx.addIssue({ code: 'custom', path: [index], message: `unknown programme "${code}" in pair ${codes[0]} × ${codes[1]}` });
    }
  });
});

const pairs = z.array(pair).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach(([a, b], index) => {
    const key = pairKey(a, b);
    const first = seen.get(key);
    if (first !== undefined) {
      ctx.addIssue({ code: 'custom', path: [index], message: `pair ${a} × ${b} repeats entry ${first}` });
    } else {
      seen.set(key, index);
    }
  });
});

const ruleSchema = z.strictObject({
  code: z.enum(RULE_CODES),
  nameZh: text,
  nameEn: text,
  explanationZh: templateSchema(TEMPLATE_PLACEHOLDERS),
  explanationEn: templateSchema(TEMPLATE_PLACEHOLDERS),
  basis: basisSchema,
});

/**
 * A rule set: the texts of the four rules, the mutually exclusive programme pairs (per person and
 * per household) and overrides of the catalogue's repeatable flags. A coordinator may replace it at
 * runtime; the engine holds no pair of its own.
 */
export const ruleSetSchema = z.strictObject({
  rules: z.array(ruleSchema).superRefine((rules, ctx) => {
    const codes = rules.map((r) => r.code);
    for (const code of RULE_CODES) {
      const count = codes.filter((c) => c === code).length;
      if (count === 0) ctx.addIssue({ code: 'custom', message: `missing rule ${code}` });
      if (count > 1) ctx.addIssue({ code: 'custom', message: `rule ${code} appears ${count} times` });
    }
  }),
  exclusivePairs: pairs,
  householdExclusivePairs: pairs,
  /** Programme code → repeatable, replacing the catalogue's flag. */
  repeatableOverrides: z
    .record(z.string(), z.boolean())
    .default({})
    .superRefine((overrides, ctx) => {
      for (const code of Object.keys(overrides)) {
        if (!programme(code)) ctx.addIssue({ code: 'custom', path: [code], message: `unknown programme "${code}"` });
      }
    }),
});

export type RuleSet = z.infer<typeof ruleSetSchema>;
export type RuleSetInput = z.input<typeof ruleSetSchema>;
export type RuleDefinition = RuleSet['rules'][number];

/** An unordered pair of programmes as a lookup key. */
export function pairKey(a: string, b: string): string {
  return a <= b ? `${a}|${b}` : `${b}|${a}`;
}

/** Every problem, one a line, each with the path of the entry it concerns (e.g. `exclusivePairs[3][1]`). */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('\n');
}

/** Validates a rule set (an object, or JSON text); throws an Error listing every problem. */
export function parseRuleSet(json: unknown): RuleSet {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (err) {
      throw new Error(`invalid rule set: not JSON (${(err as Error).message})`);
    }
  }
  const parsed = ruleSetSchema.safeParse(value);
  if (!parsed.success) throw new Error(`invalid rule set:\n${formatIssues(parsed.error)}`);
  return parsed.data;
}

/** The rule set of `rules.json`, in force until a coordinator replaces it. */
export const defaultRuleSet: RuleSet = parseRuleSet(rulesJson);
