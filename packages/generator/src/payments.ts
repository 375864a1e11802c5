/**
 * Payments (SPEC section 11) for the generated awards: a year of them, month by month, each
 * recipient's account registered with civil affairs, and planted cases of every payment rule with
 * near misses beside them. The background is clean by construction: each award pays the months it
 * covers (MONTHLY) or the month it starts (ONCE), the amount awarded, into the recipient's own
 * account, never after the month of death, one non-repeatable programme once a month, and never
 * two programmes of an exclusive pair in one month (a programme that ends on the 10th and another
 * that starts on the 20th would be both paid that month otherwise).
 */
import type { AwardRecord, BankAccountRecord, PaymentRecord } from '@saf/interchange';
import { hash32 } from './random.ts';
import type { Household, Member } from './households.ts';
import { isExclusive, isRepeatable, type PlantedFinding } from './rules.ts';

/** The payment rules of SPEC section 11 (keep in sync with packages/rules/payment-rules.json). */
export const PAYMENT_RULES = ['PAID_TWICE', 'PAID_AFTER_DEATH', 'PAID_WITHOUT_AWARD', 'AMOUNT_MISMATCH', 'SHARED_ACCOUNT', 'ACCOUNT_NOT_RECIPIENT', 'PAID_EXCLUSIVE'] as const;
export type PaymentRule = (typeof PAYMENT_RULES)[number];

/** A payment finding the generated file must produce: the rule, the month, the payments (`department:id`, sorted). */
export interface PlantedPaymentFinding {
  rule: PaymentRule;
  period: string;
  paymentKeys: string[];
}

export const PAYMENT_NEAR_MISSES = ['FAILED_THEN_PAID', 'SPOUSE_ACCOUNT', 'PAID_IN_MONTH_OF_DEATH', 'REPEATABLE_PAID_TWICE', 'TWO_HOUSEHOLDS_ONE_ACCOUNT'] as const;
export type PaymentNearMiss = { kind: (typeof PAYMENT_NEAR_MISSES)[number]; period: string; paymentKeys: string[] };

/** The cases planted in ordinary households, in turn (SHARED_ACCOUNT takes three households, the others one). */
const CASES = ['PAID_TWICE', 'AMOUNT_MISMATCH', 'PAID_WITHOUT_AWARD', 'ACCOUNT_NOT_RECIPIENT', 'SHARED_ACCOUNT', 'PAID_AFTER_DEATH'] as const;
type Case = (typeof CASES)[number];
/** One ordinary household with payments in this many carries a planted case. */
const PLANT_EVERY = 25;

const BANKS = ['农村信用合作社', '中国农业银行', '中国工商银行', '中国建设银行', '中国邮政储蓄银行'];
const month = (year: number, m: number) => `${year}-${String(m).padStart(2, '0')}`;
const lastDay = (period: string) => {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return `${period}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
};
const key = (p: PaymentRecord) => `${p.department}:${p.id}`;
const paying = (a: AwardRecord) => a.status === 'ACTIVE' || a.status === 'ENDED';
/** Whether an award pays in the month: MONTHLY when its period covers a day of it, ONCE in the month it starts. */
function paysIn(a: AwardRecord, period: string): boolean {
  if (!paying(a)) return false;
  if (a.frequency === 'ONCE') return a.startDate.slice(0, 7) === period;
  if (a.frequency !== 'MONTHLY') return false;
  return a.startDate <= lastDay(period) && (a.endDate == null || a.endDate >= `${period}-01`);
}

export class PaymentPlanter {
  readonly planted: PlantedPaymentFinding[] = [];
  readonly nearMisses: PaymentNearMiss[] = [];
  private households = 0;
  private next = 0;
  /** A case is due (one household in PLANT_EVERY), planted in the first household that allows it. */
  private due = false;
  /** A shared account waiting for its second and third household: the number, the month, the payments so far. */
  private shared: { accountNumber: string; holder: string; period: string; keys: string[]; more: number } | null = null;
  /** The last household's first paid account: a stranger's for ACCOUNT_NOT_RECIPIENT. */
  private previous: { accountNumber: string; period: string; keys: string[] } | null = null;

  constructor(
    private readonly year: number,
    private readonly seed: string,
    private readonly plant: boolean,
  ) {}

  private accountNumber(personId: string, n = 0): string {
    const a = hash32(`${this.seed}:account:${personId}:${n}`) % 1_000_000_000;
    const b = hash32(`${this.seed}:account2:${personId}:${n}`) % 1_000_000;
    return `62${String(a).padStart(9, '0')}${String(b).padStart(6, '0')}${n % 100}`.padEnd(19, '0');
  }

  /** A household's accounts and payments for the year, with a planted case now and then. */
  *household(h: Household, awards: readonly AwardRecord[]): Generator<BankAccountRecord | PaymentRecord, void> {
    const byId = new Map(h.members.map((m) => [m.id, m]));
    const accounts = new Map<string, BankAccountRecord>();
    const spouse = h.members.find((m) => m.relation === 'SPOUSE');
    const head = h.members.find((m) => m.relation === 'HEAD');
    // Near miss: in some households the spouse's benefit goes to the head's account (a member of the household).
    const spouseUsesHead = !!spouse && !!head && hash32(`${this.seed}:spouse:${h.id}`) % 10 === 0;
    const accountOf = (m: Member): BankAccountRecord => {
      let account = accounts.get(m.id);
      if (!account) {
        const holder = spouseUsesHead && m.id === spouse!.id ? head! : m;
        account = { type: 'bankAccount', id: `BA-${m.id}`, department: 'CIVIL_AFFAIRS', personId: m.id, bank: BANKS[hash32(m.id) % BANKS.length]!, accountNumber: this.accountNumber(holder.id), holderId: holder.id };
        accounts.set(m.id, account);
      }
      return account;
    };
    const payments: PaymentRecord[] = [];
    const paidMonths = new Map<string, Set<string>>(); // person|period → programmes paid
    for (let m = 1; m <= 12; m++) {
      const period = month(this.year, m);
      const sorted = [...awards].sort((a, b) => a.startDate.localeCompare(b.startDate) || a.id.localeCompare(b.id));
      for (const a of sorted) {
        const person = byId.get(a.personId);
        if (!person || !paysIn(a, period)) continue;
        if (person.deathDate && person.deathDate.slice(0, 7) < period) continue;
        const slot = `${person.id}|${period}`;
        const programmes = paidMonths.get(slot) ?? new Set<string>();
        if ([...programmes].some((p) => (p === a.programme && !isRepeatable(p)) || isExclusive(p, a.programme))) continue;
        programmes.add(a.programme);
        paidMonths.set(slot, programmes);
        const account = accountOf(person);
        const base = { type: 'payment' as const, department: a.department, awardId: a.id, personId: person.id, period, amountFen: a.amountFen, accountNumber: account.accountNumber };
        const id = `${a.id}-${period}`;
        // Near miss: a failed first try, paid again the same month under a payment of its own.
        if (hash32(`${this.seed}:fail:${id}`) % 100 === 0) {
          payments.push({ ...base, id: `${id}-F`, paidDate: null, status: 'FAILED' });
          payments.push({ ...base, id, paidDate: `${period}-20`, status: 'PAID' });
          this.nearMisses.push({ kind: 'FAILED_THEN_PAID', period, paymentKeys: [`${a.department}:${id}-F`, `${a.department}:${id}`].sort() });
        } else payments.push({ ...base, id, paidDate: `${period}-10`, status: 'PAID' });
        if (person.deathDate?.slice(0, 7) === period) this.nearMisses.push({ kind: 'PAID_IN_MONTH_OF_DEATH', period, paymentKeys: [`${a.department}:${id}`] });
      }
    }
    for (const [slot, programmes] of paidMonths) {
      for (const p of programmes) {
        if (!isRepeatable(p)) continue;
        const [personId, period] = slot.split('|') as [string, string];
        const twice = payments.filter((x) => x.personId === personId && x.period === period && x.status === 'PAID' && awards.find((a) => a.id === x.awardId && a.department === x.department)?.programme === p);
        if (twice.length > 1) this.nearMisses.push({ kind: 'REPEATABLE_PAID_TWICE', period, paymentKeys: twice.map(key).sort() });
      }
    }
    if (spouseUsesHead && accounts.has(spouse!.id)) {
      const first = payments.find((p) => p.personId === spouse!.id && p.status === 'PAID');
      if (first) this.nearMisses.push({ kind: 'SPOUSE_ACCOUNT', period: first.period, paymentKeys: [key(first)] });
    }
    if (payments.length && this.plant) this.plantCase(h, awards, payments, accounts);
    yield* accounts.values();
    yield* payments;
  }

  /** Pays a planted duplicate-aid household's exclusive awards for one month both cover: PAID_EXCLUSIVE. */
  *exclusive(h: Household, awards: readonly AwardRecord[], findings: readonly PlantedFinding[]): Generator<BankAccountRecord | PaymentRecord, void> {
    if (!this.plant) return;
    for (const f of findings) {
      if (f.rule !== 'EXCLUSIVE_PROGRAMMES') continue;
      const pair = f.awardIds.map((id) => awards.find((a) => a.id === id && a.personId === f.personIds[0]));
      if (pair.length !== 2 || pair.some((a) => !a || a.frequency !== 'MONTHLY')) continue;
      const person = h.members.find((m) => m.id === f.personIds[0]);
      const period = Array.from({ length: 12 }, (_, i) => month(this.year, i + 1)).find((p) => pair.every((a) => paysIn(a!, p)) && (!person?.deathDate || person.deathDate.slice(0, 7) >= p));
      if (!period || !person) continue;
      const account: BankAccountRecord = { type: 'bankAccount', id: `BA-${person.id}`, department: 'CIVIL_AFFAIRS', personId: person.id, bank: BANKS[0]!, accountNumber: this.accountNumber(person.id), holderId: person.id };
      const made = pair.map((a): PaymentRecord => ({ type: 'payment', id: `${a!.id}-${period}`, department: a!.department, awardId: a!.id, personId: person.id, period, amountFen: a!.amountFen, accountNumber: account.accountNumber, paidDate: `${period}-10`, status: 'PAID' }));
      this.planted.push({ rule: 'PAID_EXCLUSIVE', period, paymentKeys: made.map(key).sort() });
      yield account;
      yield* made;
      return;
    }
  }

  private plantCase(h: Household, awards: readonly AwardRecord[], payments: PaymentRecord[], accounts: Map<string, BankAccountRecord>): void {
    const index = this.households++;
    const paid = payments.filter((p) => p.status === 'PAID' && !payments.some((q) => q !== p && q.period === p.period && q.personId === p.personId && q.status !== 'PAID'));
    const first = paid[0];
    const remember = () => {
      if (first) this.previous = { accountNumber: first.accountNumber, period: first.period, keys: [key(first)] };
    };
    if (!first) return remember();
    // The shared account's second and third households come first, whatever the turn.
    if (this.shared && !h.members.some((m) => m.id === this.shared!.holder)) {
      const target = paid.find((p) => p.period === this.shared!.period);
      if (target) {
        target.accountNumber = this.shared.accountNumber;
        this.shared.keys.push(key(target));
        this.planted.push({ rule: 'ACCOUNT_NOT_RECIPIENT', period: target.period, paymentKeys: [key(target)] });
        if (--this.shared.more === 0) {
          this.planted.push({ rule: 'SHARED_ACCOUNT', period: this.shared.period, paymentKeys: [...this.shared.keys].sort() });
          this.shared = null;
        }
        return;
      }
    }
    if (index % PLANT_EVERY === 0) this.due = true;
    if (!this.due) return remember();
    const kind: Case = CASES[this.next % CASES.length]!;
    const person = h.members.find((m) => m.id === first.personId)!;
    switch (kind) {
      case 'PAID_TWICE': {
        const again: PaymentRecord = { ...first, id: `${first.id}-B`, paidDate: `${first.period}-25` };
        payments.push(again);
        this.planted.push({ rule: 'PAID_TWICE', period: first.period, paymentKeys: [key(first), key(again)].sort() });
        break;
      }
      case 'AMOUNT_MISMATCH':
        first.amountFen += 500;
        this.planted.push({ rule: 'AMOUNT_MISMATCH', period: first.period, paymentKeys: [key(first)] });
        break;
      case 'PAID_WITHOUT_AWARD': {
        const stray: PaymentRecord = { ...first, id: `${first.id}-X`, awardId: `${first.awardId}-NONE` };
        payments.push(stray);
        this.planted.push({ rule: 'PAID_WITHOUT_AWARD', period: first.period, paymentKeys: [key(stray)] });
        break;
      }
      case 'ACCOUNT_NOT_RECIPIENT': {
        // Into the last household's account, the month it was paid there: two households on one
        // account (a near miss for SHARED_ACCOUNT), the holder not of this one.
        const target = this.previous && paid.find((p) => p.period === this.previous!.period);
        if (!target || !this.previous) return remember();
        target.accountNumber = this.previous.accountNumber;
        this.planted.push({ rule: 'ACCOUNT_NOT_RECIPIENT', period: target.period, paymentKeys: [key(target)] });
        this.nearMisses.push({ kind: 'TWO_HOUSEHOLDS_ONE_ACCOUNT', period: target.period, paymentKeys: [...this.previous.keys, key(target)].sort() });
        break;
      }
      case 'SHARED_ACCOUNT': {
        const account = accounts.get(person.id)!;
        // Every payment of this household into the account that month is part of the finding.
        const into = payments.filter((p) => p.accountNumber === first.accountNumber && p.period === first.period && p.status === 'PAID');
        this.shared = { accountNumber: first.accountNumber, holder: account.holderId, period: first.period, keys: into.map(key), more: 2 };
        break;
      }
      case 'PAID_AFTER_DEATH': {
        // A member who died before December of the year: paid for the month after, under their
        // award that stopped at death (or a made-up one): after death, and without an award.
        const dead = h.members.find((m) => m.deathDate && m.deathDate.slice(0, 4) === String(this.year) && m.deathDate.slice(5, 7) !== '12');
        if (!dead) return remember();
        const period = month(this.year, Number(dead.deathDate!.slice(5, 7)) + 1);
        const theirs = awards.find((a) => a.personId === dead.id && a.frequency === 'MONTHLY' && paying(a));
        if (theirs && paysIn(theirs, period)) return remember();
        const after: PaymentRecord = {
          type: 'payment', id: `${theirs?.id ?? `${h.id}-GONE`}-${period}-D`, department: theirs?.department ?? 'CIVIL_AFFAIRS', awardId: theirs?.id ?? `${h.id}-GONE`,
          personId: dead.id, period, amountFen: theirs?.amountFen ?? 50_000, accountNumber: this.accountNumber(dead.id), paidDate: `${period}-10`, status: 'PAID',
        };
        if (!accounts.has(dead.id)) accounts.set(dead.id, { type: 'bankAccount', id: `BA-${dead.id}`, department: 'CIVIL_AFFAIRS', personId: dead.id, bank: BANKS[0]!, accountNumber: after.accountNumber, holderId: dead.id });
        payments.push(after);
        this.planted.push({ rule: 'PAID_AFTER_DEATH', period, paymentKeys: [key(after)] });
        this.planted.push({ rule: 'PAID_WITHOUT_AWARD', period, paymentKeys: [key(after)] });
        break;
      }
    }
    this.next++;
    this.due = false;
    remember();
  }
}
