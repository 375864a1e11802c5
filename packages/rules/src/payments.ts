import { createHash } from 'node:crypto';
import { z } from 'zod';
import paymentRulesJson from '../payment-rules.json' with { type: 'json' };
import { awardKey, intersect, isPaying, periodOf } from './dates.ts';
import { sortDepartments } from './departments.ts';
import { joinList, personLabel, programmesText, departmentsText, render, type Lang } from './explain.ts';
import { byString } from './finding.ts';
import { lookupsFor } from './lookups.ts';
import { basisSchema, formatIssues, templateSchema, type RuleSet } from './ruleSet.ts';
import type { RuleAward, RulePerson } from './types.ts';

/** The seven payment rules of SPEC section 11, in the order findings are listed. */
export const PAYMENT_RULE_CODES = ['PAID_TWICE', 'PAID_AFTER_DEATH', 'PAID_WITHOUT_AWARD', 'AMOUNT_MISMATCH', 'SHARED_ACCOUNT', 'ACCOUNT_NOT_RECIPIENT', 'PAID_EXCLUSIVE'] as const;
export type PaymentRuleCode = (typeof PAYMENT_RULE_CODES)[number];

/** Placeholders a payment rule's explanation may use; keep in sync with `values` below. */
export const PAYMENT_TEMPLATE_PLACEHOLDERS = ['persons', 'programmes', 'period', 'departments', 'payments', 'deathDate', 'paid', 'awarded', 'account', 'households', 'holder'] as const;

const text = z.string().trim().min(1, 'must not be empty');

/**
 * The payment rules as data: each rule's names, explanation templates and policy basis, and how
 * many households one account may pay in a period before it is a finding. Which programmes
 * exclude each other and which are repeatable come from the duplicate-aid rule set, so that one
 * change of a pair holds for awards and payments alike.
 */
export const paymentRuleSetSchema = z.strictObject({
  rules: z
    .array(
      z.strictObject({
        code: z.enum(PAYMENT_RULE_CODES),
        nameZh: text,
        nameEn: text,
        explanationZh: templateSchema(PAYMENT_TEMPLATE_PLACEHOLDERS),
        explanationEn: templateSchema(PAYMENT_TEMPLATE_PLACEHOLDERS),
        basis: basisSchema,
      }),
    )
    .superRefine((rules, ctx) => {
      for (const code of PAYMENT_RULE_CODES) {
        const count = rules.filter((r) => r.code === code).length;
        if (count !== 1) ctx.addIssue({ code: 'custom', message: count ? `rule ${code} appears ${count} times` : `missing rule ${code}` });
      }
    }),
  /** SHARED_ACCOUNT: an account paying persons of at least this many households in one period. */
  sharedAccountHouseholds: z.number().int().min(2, 'must be at least 2'),
});
export type PaymentRuleSet = z.infer<typeof paymentRuleSetSchema>;

export function parsePaymentRuleSet(json: unknown): PaymentRuleSet {
  const parsed = paymentRuleSetSchema.safeParse(typeof json === 'string' ? JSON.parse(json) : json);
  if (!parsed.success) throw new Error(`invalid payment rule set:\n${formatIssues(parsed.error)}`);
  return parsed.data;
}

export const defaultPaymentRuleSet: PaymentRuleSet = parsePaymentRuleSet(paymentRulesJson);

/** A payment as the rules see it, from any department. */
export interface RulePayment {
  department: string;
  /** Unique within its department; `${department}:${id}` is the payment's key. */
  id: string;
  awardId: string;
  personId: string;
  /** YYYY-MM: the month paid for. */
  period: string;
  amountFen: number;
  /** In full: compared across departments, shown masked. */
  accountNumber: string;
  status: 'PAID' | 'FAILED' | 'RETURNED';
}

/** An award as the payment rules see it: the duplicate-aid rules' view and its amount. */
export type PaymentRuleAward = RuleAward & { amountFen: number };

/** A registration of an account number in civil affairs' register, with who holds it. */
export interface RuleAccount {
  accountNumber: string;
  holderId: string;
  /** The holder's household as civil affairs records it; null when the holder is not registered. */
  holderHouseholdId: string | null;
}

export interface PaymentFinding {
  /** `PF-` and a sha256 prefix of the rule, the period and the sorted payment keys. */
  id: string;
  rule: PaymentRuleCode;
  period: string;
  /** Sorted, distinct. */
  personIds: string[];
  /** The recipients' households (civil affairs' membership), sorted, distinct. */
  householdIds: string[];
  /** Award ids as loaded (those the payments name), sorted by key, distinct. */
  awardIds: string[];
  awardKeys: string[];
  /** Payment ids as loaded, in the order of `paymentKeys`. */
  paymentIds: string[];
  /** `${department}:${id}`, sorted. */
  paymentKeys: string[];
  departments: string[];
  /** The account's last 4 digits where the rule is about an account (SHARED_ACCOUNT, ACCOUNT_NOT_RECIPIENT). */
  accountLast4: string | null;
  explanation: string;
  explanationEn: string;
}

export interface PaymentDetectInput {
  /** The month judged (YYYY-MM); payments of other periods are left out. */
  period: string;
  payments: readonly RulePayment[];
  /** Every department's awards of the persons paid (any status: the rules decide what pays). */
  awards: readonly PaymentRuleAward[];
  /** Civil affairs' persons: membership and death. */
  persons: readonly RulePerson[];
  /** The register's accounts by number (every registration of the numbers paid into). */
  accounts: readonly RuleAccount[];
  /** The duplicate-aid rule set: exclusive pairs and repeatable overrides. */
  ruleSet: RuleSet;
  paymentRules?: PaymentRuleSet;
}

export const paymentKey = (p: Pick<RulePayment, 'department' | 'id'>): string => `${p.department}:${p.id}`;

export function paymentFindingId(rule: PaymentRuleCode, period: string, keys: readonly string[]): string {
  const digest = createHash('sha256').update(`${rule}\n${period}\n${[...keys].sort().join('\n')}`).digest('hex');
  return `PF-${digest.slice(0, 16)}`;
}

/** The first and last day of a month `YYYY-MM`. */
export function monthDays(period: string): { start: string; end: string } {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { start: `${period}-01`, end: `${period}-${String(last).padStart(2, '0')}` };
}

/** Whether an award pays (ACTIVE or ENDED) on at least one day of the month. */
export function coversMonth(award: RuleAward, period: string): boolean {
  if (!isPaying(award, 'paying')) return false;
  const days = periodOf(award);
  return !!days && intersect(days, monthDays(period)) !== null;
}

/** ACCOUNT_NOT_RECIPIENT's `{holder}`: someone else's account, or one the register does not know. */
const HOLDER_OTHER: Record<Lang, Record<string, string>> = {
  zh: { holder: '该账户持有人既非本人也非同户成员' },
  en: { holder: 'held by neither the recipient nor a member of the household' },
};
const HOLDER_UNKNOWN: Record<Lang, Record<string, string>> = {
  zh: { holder: '该账户未在民政部门登记，持有人不明' },
  en: { holder: 'which is not registered with civil affairs (holder unknown)' },
};

const fenText = (fen: number, lang: Lang) => (lang === 'zh' ? `${(fen / 100).toFixed(2)} 元` : `¥${(fen / 100).toFixed(2)}`);
const last4 = (accountNumber: string) => accountNumber.slice(-4);
const masked = (accountNumber: string) => `**** ${last4(accountNumber)}`;

/**
 * The payment rules over one period's payments (SPEC section 11). Only PAID payments count; a
 * payment's period is judged, not its paid date. Each finding names the payments it is about and
 * has a stable id (the rule, the period and the payment keys), so a re-run never duplicates it.
 */
export function detectPaymentFindings(input: PaymentDetectInput): PaymentFinding[] {
  const rules = input.paymentRules ?? defaultPaymentRuleSet;
  const lookups = lookupsFor(input.ruleSet);
  const ruleOf = new Map(rules.rules.map((r) => [r.code, r]));
  const period = input.period;
  const paid = input.payments.filter((p) => p.status === 'PAID' && p.period === period);
  const personById = new Map(input.persons.map((p) => [p.id, p]));
  const awardByKey = new Map(input.awards.map((a) => [awardKey(a), a]));
  const awardOf = (p: RulePayment) => awardByKey.get(`${p.department}:${p.awardId}`);
  const programmeOf = (p: RulePayment) => awardOf(p)?.programme ?? null;
  const householdOf = (personId: string) => personById.get(personId)?.householdId ?? null;
  // Awards by recipient and programme: a region's month is tens of thousands of payments.
  const awardsOf = groupBy(input.awards, (a) => `${a.personId}|${a.programme}`);
  const findings: PaymentFinding[] = [];

  const add = (rule: PaymentRuleCode, payments: readonly RulePayment[], extra: { values?: Record<Lang, Record<string, string>>; account?: string } = {}) => {
    const sorted = [...payments].sort((a, b) => byString(paymentKey(a), paymentKey(b)));
    const paymentKeys = sorted.map(paymentKey);
    const awardKeys = [...new Set(sorted.map((p) => `${p.department}:${p.awardId}`))].sort(byString);
    const personIds = [...new Set(sorted.map((p) => p.personId))].sort(byString);
    const programmes = [...new Set(sorted.map(programmeOf).filter((c): c is string => c !== null))];
    const departments = sortDepartments(sorted.map((p) => p.department));
    const definition = ruleOf.get(rule)!;
    const values = (lang: Lang): Record<string, string> => ({
      persons: joinList(personIds.map((id) => personLabel(id, personById.get(id))), lang),
      programmes: programmes.length ? programmesText(programmes, lang) : lang === 'zh' ? '救助金' : 'assistance',
      period,
      departments: departmentsText(departments, lang),
      payments: sorted.map((p) => p.id).join(lang === 'zh' ? '、' : ', '),
      ...(extra.account ? { account: masked(extra.account) } : {}),
      ...extra.values?.[lang],
    });
    findings.push({
      id: paymentFindingId(rule, period, paymentKeys),
      rule,
      period,
      personIds,
      householdIds: [...new Set(personIds.map(householdOf).filter((h): h is string => h !== null))].sort(byString),
      awardIds: awardKeys.map((k) => k.slice(k.indexOf(':') + 1)),
      awardKeys,
      paymentIds: sorted.map((p) => p.id),
      paymentKeys,
      departments,
      accountLast4: extra.account ? last4(extra.account) : null,
      explanation: render(definition.explanationZh, values('zh')),
      explanationEn: render(definition.explanationEn, values('en')),
    });
  };

  // PAID_TWICE: one award paid more than once; one person paid one non-repeatable programme under two awards.
  const byAward = groupBy(paid, (p) => `${p.department}:${p.awardId}`);
  const twice = new Set<string>();
  for (const group of byAward.values()) {
    if (group.length > 1) {
      add('PAID_TWICE', group);
      for (const p of group) twice.add(paymentKey(p));
    }
  }
  const byProgramme = groupBy(
    paid.filter((p) => {
      const code = programmeOf(p);
      return code !== null && !lookups.isRepeatable(code);
    }),
    (p) => `${p.personId}|${programmeOf(p)}`,
  );
  for (const group of byProgramme.values()) {
    if (new Set(group.map((p) => `${p.department}:${p.awardId}`)).size > 1 && group.some((p) => !twice.has(paymentKey(p)))) add('PAID_TWICE', group);
  }

  for (const p of paid) {
    // PAID_AFTER_DEATH: the period starts after the month of death (the month of death itself is due).
    const death = personById.get(p.personId)?.deathDate ?? null;
    if (death && p.period > death.slice(0, 7)) add('PAID_AFTER_DEATH', [p], { values: { zh: { deathDate: death }, en: { deathDate: death } } });

    // PAID_WITHOUT_AWARD: no paying award of the programme to the recipient on any day of the month.
    const award = awardOf(p);
    const code = award?.programme ?? null;
    const covered = code !== null && (awardsOf.get(`${p.personId}|${code}`) ?? []).some((a) => coversMonth(a, period));
    if (!covered) add('PAID_WITHOUT_AWARD', [p]);

    // AMOUNT_MISMATCH: the named award pays that month and its amount is not what was paid.
    if (award && award.personId === p.personId && coversMonth(award, period) && award.amountFen !== p.amountFen) {
      add('AMOUNT_MISMATCH', [p], { values: { zh: { paid: fenText(p.amountFen, 'zh'), awarded: fenText(award.amountFen, 'zh') }, en: { paid: fenText(p.amountFen, 'en'), awarded: fenText(award.amountFen, 'en') } } });
    }
  }

  // SHARED_ACCOUNT: one account paying persons of N or more households in the period.
  for (const [accountNumber, group] of groupBy(paid, (p) => p.accountNumber)) {
    const households = new Set(group.map((p) => householdOf(p.personId) ?? `person:${p.personId}`));
    if (households.size >= rules.sharedAccountHouseholds) {
      add('SHARED_ACCOUNT', group, { account: accountNumber, values: { zh: { households: String(households.size) }, en: { households: String(households.size) } } });
    }
  }

  // ACCOUNT_NOT_RECIPIENT: the registered holder is neither the recipient nor of the recipient's
  // household; or nobody registered the account at all (its holder unknown: the register is where
  // a recipient's account must be, SPEC section 11), which the explanation says apart.
  const holders = groupBy(input.accounts, (a) => a.accountNumber);
  for (const [, group] of groupBy(paid, (p) => `${p.accountNumber}|${p.personId}`)) {
    const p = group[0]!;
    const registered = holders.get(p.accountNumber) ?? [];
    const household = householdOf(p.personId);
    const fits = registered.some((a) => a.holderId === p.personId || (household !== null && a.holderHouseholdId === household));
    if (fits) continue;
    add('ACCOUNT_NOT_RECIPIENT', group, { account: p.accountNumber, values: registered.length ? HOLDER_OTHER : HOLDER_UNKNOWN });
  }

  // PAID_EXCLUSIVE: one person paid for one period under two programmes of an exclusive pair.
  for (const group of groupBy(paid, (p) => p.personId).values()) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const a = programmeOf(group[i]!);
        const b = programmeOf(group[j]!);
        if (a && b && a !== b && lookups.isExclusive(a, b)) add('PAID_EXCLUSIVE', [group[i]!, group[j]!]);
      }
    }
  }

  const rank = (r: PaymentRuleCode) => PAYMENT_RULE_CODES.indexOf(r);
  return findings.sort((a, b) => rank(a.rule) - rank(b.rule) || byString(a.personIds.join(','), b.personIds.join(',')) || byString(a.id, b.id));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
