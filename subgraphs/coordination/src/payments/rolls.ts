import { randomUUID } from 'node:crypto';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Caller } from '@saf/auth';
import type { Db } from '@saf/db';
import { rollFieldNames } from '@saf/department';
import { isValidIsoDate } from '@saf/identity';
import { isPeriod } from '@saf/interchange';
import { DEPARTMENTS, type Department } from '@saf/programmes';
import { assertRegionWithin, assertRole, badInput, conflict, forbidden } from '@saf/service';
import type { Logger } from '@saf/service';
import type { Context } from '../context.ts';
import type { GraphClient } from '../graph.ts';
import { Repeating } from '../repeat.ts';
import { standingPaymentFindingsOfAwards } from '../db/paymentFindings.ts';
import { findings, paymentRollLines, paymentRolls, type PaymentRollLineRow, type PaymentRollRow } from '../db/schema.ts';
import { PAYMENT_FIELDS } from './batch.ts';

/** Each department's payments field, from which its roll fields are named (`_internalLabourRollAwards`, …). */
const rollNames = Object.fromEntries(Object.entries(PAYMENT_FIELDS).map(([field, d]) => [d, rollFieldNames(field)])) as Record<Department, { awards: string; record: string }>;

const NO_ACCOUNT = 'NO_ACCOUNT';
const HIDDEN = 'no payment roll with this id that you may see';

/** Roll ids: `PR-` and 16 hex digits (a line's payment id, `<roll>-<line>`, stays within 64 characters). */
const newRollId = () => `PR-${randomUUID().replaceAll('-', '').slice(0, 16)}`;

/** The paying department's officer (a roll is that department's work), within their region claim. */
function assertPayingOfficer(caller: Caller | null, department: string, regionCode?: string): Caller {
  const c = assertRole(caller, 'DEPARTMENT_OFFICER');
  if (c.department !== department) throw forbidden(`${department}'s payment rolls are for ${department}'s officers`);
  if (regionCode) assertRegionWithin(c, regionCode);
  return c;
}

/** Who may read a roll (its lines masked): the paying department's officers and the coordination office in its jurisdiction. */
export function assertMayReadRoll(caller: Caller | null, roll: PaymentRollRow): Caller {
  if (caller?.role === 'COORDINATOR') {
    assertRegionWithin(caller, roll.regionCode);
    return caller;
  }
  return assertPayingOfficer(caller, roll.department);
}

export async function rollById(db: Db, id: string): Promise<PaymentRollRow | null> {
  const [row] = await db.select().from(paymentRolls).where(eq(paymentRolls.id, id));
  return row ?? null;
}

export async function rollLines(db: Db, id: string): Promise<PaymentRollLineRow[]> {
  return db.select().from(paymentRollLines).where(eq(paymentRollLines.rollId, id)).orderBy(asc(paymentRollLines.line));
}

/** `paymentRoll(id)`: FORBIDDEN alike for a roll the caller may not see and for none. */
export async function readableRoll(ctx: Context, id: string): Promise<PaymentRollRow> {
  const roll = await rollById(ctx.db, id);
  if (!roll) throw forbidden(HIDDEN);
  try {
    assertMayReadRoll(ctx.caller, roll);
  } catch {
    throw forbidden(HIDDEN);
  }
  return roll;
}

/**
 * The standing findings that name each award (`department:id`): duplicate-aid findings not gone
 * nor dismissed, and payment findings the same. A line paying such an award is held.
 */
export async function holdsOf(db: Db, awardKeys: readonly string[]): Promise<Map<string, string[]>> {
  const holds = new Map<string, string[]>();
  if (!awardKeys.length) return holds;
  const keys = new Set(awardKeys);
  const duplicate = await db
    .select({ id: findings.id, awardKeys: findings.awardKeys })
    .from(findings)
    .where(and(isNull(findings.goneAt), sql`${findings.status} <> 'DISMISSED'`, sql`${findings.awardKeys} && ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(awardKeys)}::jsonb))`));
  const payment = await standingPaymentFindingsOfAwards(db, awardKeys);
  for (const f of [...duplicate, ...payment]) {
    for (const key of f.awardKeys) if (keys.has(key)) holds.set(key, [...(holds.get(key) ?? []), f.id]);
  }
  return holds;
}

interface RollAwardsAnswer {
  rows: { columns: string[]; rows: (string | null)[][] };
}

/**
 * `generatePaymentRoll`: the department's awards paying that month under the region (asked of the
 * department, as the officer), each with the account registered for its recipient (civil
 * affairs), held where a standing finding names the award or no account is registered. One roll
 * per department, region and month: asked again (or twice at once), the one that exists.
 */
export async function generateRoll(ctx: Context, department: Department, regionCode: string, period: string): Promise<PaymentRollRow> {
  if (!DEPARTMENTS.includes(department)) throw badInput('unknown department', 'department');
  if (!isPeriod(period)) throw badInput('period must be a month YYYY-MM', 'period');
  const caller = assertPayingOfficer(ctx.caller, department, regionCode);
  if (!ctx.purpose) throw badInput("a payment roll reads the department's recipients and their accounts: declare its purpose in the X-Purpose header", 'x-purpose');
  const existing = await ctx.db.select().from(paymentRolls).where(and(eq(paymentRolls.department, department), eq(paymentRolls.regionCode, regionCode), eq(paymentRolls.period, period)));
  if (existing[0]) return existing[0];

  const names = rollNames[department];
  const { rows: awards } = await ctx.graph.request<RollAwardsAnswer>(`query RollAwards($r: String!, $p: String!) { rows: ${names.awards}(regionCode: $r, period: $p) }`, { r: regionCode, p: period }, caller, ctx.purpose);
  const awardRows = awards.rows.map(([id, programme, personId, householdId, , amountFen]) => ({ id: id!, programme: programme!, personId: personId!, householdId: householdId ?? null, amountFen: Number(amountFen) }));
  const personIds = [...new Set(awardRows.map((a) => a.personId))];
  const accounts = new Map<string, { bank: string; accountNumber: string; holderId: string }>();
  for (let i = 0; i < personIds.length; i += 5000) {
    const { rows } = await ctx.graph.request<RollAwardsAnswer>(`query RollAccounts($ids: [ID!]!) { rows: _internalRollAccounts(personIds: $ids) }`, { ids: personIds.slice(i, i + 5000) }, caller, ctx.purpose);
    // The first registered account of each person (by id) is the one paid into.
    for (const [, personId, bank, accountNumber, holderId] of rows.rows) if (!accounts.has(personId!)) accounts.set(personId!, { bank: bank!, accountNumber: accountNumber!, holderId: holderId! });
  }
  const holds = await holdsOf(ctx.db, awardRows.map((a) => `${department}:${a.id}`));
  const id = newRollId();
  const lines = awardRows.map((a, i) => {
    const account = accounts.get(a.personId);
    const held = [...(holds.get(`${department}:${a.id}`) ?? []), ...(account ? [] : [NO_ACCOUNT])];
    return {
      rollId: id, line: i + 1, awardId: a.id, programme: a.programme, personId: a.personId, householdId: a.householdId, amountFen: a.amountFen,
      bank: account?.bank ?? null, accountNumber: account?.accountNumber ?? null, holderId: account?.holderId ?? null, status: held.length ? 'HELD' : 'READY', holds: held,
    };
  });
  return ctx.db.transaction(async (tx) => {
    const [roll] = await tx.insert(paymentRolls).values({ id, department, regionCode, period, status: 'GENERATED', generatedBy: caller.sub }).onConflictDoNothing().returning();
    if (!roll) {
      // Generated meanwhile by the same request sent twice: that one.
      const [other] = await tx.select().from(paymentRolls).where(and(eq(paymentRolls.department, department), eq(paymentRolls.regionCode, regionCode), eq(paymentRolls.period, period)));
      return other!;
    }
    for (let i = 0; i < lines.length; i += 1000) await tx.insert(paymentRollLines).values(lines.slice(i, i + 1000));
    return roll;
  });
}

/**
 * `approvePaymentRoll`: a second officer of the paying department (not the one who generated it),
 * with a note. The lines are checked again against the standing findings first: a line whose award
 * a finding now names is held (and stays out of the bank file), with the finding shown. Approving
 * twice, or twice at once, approves once: the second is refused.
 */
export async function approveRoll(ctx: Context, id: string, note: string): Promise<PaymentRollRow> {
  const roll = await readableRoll(ctx, id);
  const caller = assertPayingOfficer(ctx.caller, roll.department, roll.regionCode);
  if (roll.generatedBy === caller.sub) throw forbidden('a roll is approved by another officer than the one who generated it (maker-checker)');
  const text = note.trim();
  if (!text) throw badInput('a note is required to approve a roll', 'note');
  if (text.length > 2000) throw badInput('the note must be at most 2000 characters', 'note');
  if (roll.status !== 'GENERATED') throw conflict(`the roll is ${roll.status}, not GENERATED: it cannot be approved`);
  const lines = await rollLines(ctx.db, id);
  const holds = await holdsOf(ctx.db, lines.map((l) => `${roll.department}:${l.awardId}`));
  return ctx.db.transaction(async (tx) => {
    const [approved] = await tx
      .update(paymentRolls)
      .set({ status: 'APPROVED', approvedBy: caller.sub, approvedAt: sql`now()`, approvalNote: text })
      .where(and(eq(paymentRolls.id, id), eq(paymentRolls.status, 'GENERATED')))
      .returning();
    if (!approved) throw conflict('the roll was approved meanwhile');
    for (const line of lines) {
      const found = holds.get(`${roll.department}:${line.awardId}`) ?? [];
      const held = [...new Set([...line.holds, ...found])];
      if (held.length !== line.holds.length) {
        await tx.update(paymentRollLines).set({ status: 'HELD', holds: held }).where(and(eq(paymentRollLines.rollId, id), eq(paymentRollLines.line, line.line)));
      }
    }
    return approved;
  });
}

/**
 * The bank file (代发文件) of an approved roll: CSV, UTF-8 with a byte order mark, CRLF, one row per
 * line to pay (held lines are not in it), columns `line,reference,bank,accountNumber,holderId,
 * personId,awardId,amountFen`; `reference` (`<roll>-<line>`) is what the bank's return names. The
 * only place an account number is shown in full: the paying department's officers only.
 */
export async function bankFile(ctx: Context, roll: PaymentRollRow): Promise<string | null> {
  assertPayingOfficer(ctx.caller, roll.department);
  if (roll.status === 'GENERATED') return null;
  const lines = (await rollLines(ctx.db, roll.id)).filter((l) => l.status !== 'HELD');
  const header = 'line,reference,bank,accountNumber,holderId,personId,awardId,amountFen';
  const cell = (v: string | number | null) => {
    const t = v === null ? '' : String(v);
    return /[",\r\n]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
  };
  const rows = lines.map((l) => [l.line, `${roll.id}-${l.line}`, l.bank, l.accountNumber, l.holderId, l.personId, l.awardId, l.amountFen].map(cell).join(','));
  return `\uFEFF${[header, ...rows].join('\r\n')}\r\n`;
}

const RETURN_STATUSES = new Set(['PAID', 'FAILED', 'RETURNED']);

interface ReturnLine {
  line: number;
  status: 'PAID' | 'FAILED' | 'RETURNED';
  paidDate: string | null;
}

/**
 * The bank's return file, checked against the roll: CSV with the header
 * `line,reference,accountNumber,amountFen,status,paidDate`, one row per line of the bank file
 * (each once), the reference, account number and amount as the bank file gave them, a status of
 * PAID, FAILED or RETURNED and the paid date of a PAID one. Every problem is listed (the return's
 * row and field), none repeating an account number; any problem refuses the whole return.
 */
export function checkBankReturn(roll: PaymentRollRow, lines: readonly PaymentRollLineRow[], text: string): ReturnLine[] {
  const rows = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((r) => r.trim() !== '');
  const problems: string[] = [];
  if (rows[0]?.trim() !== 'line,reference,accountNumber,amountFen,status,paidDate') throw badInput('the return must start with the header line,reference,accountNumber,amountFen,status,paidDate', 'bankReturn');
  const payable = new Map(lines.filter((l) => l.status !== 'HELD').map((l) => [l.line, l]));
  const seen = new Set<number>();
  const out: ReturnLine[] = [];
  rows.slice(1).forEach((row, i) => {
    const at = `return row ${i + 2}`;
    const cells = row.split(',').map((c) => c.trim());
    if (cells.length !== 6) return problems.push(`${at}: must have 6 fields`);
    const [lineText, reference, accountNumber, amountText, status, paidDate] = cells as [string, string, string, string, string, string];
    const line = Number(lineText);
    const expected = payable.get(line);
    if (!/^[0-9]+$/.test(lineText) || !expected) return problems.push(`${at}: line: ${lineText} is not a line of the roll's bank file`);
    if (seen.has(line)) return problems.push(`${at}: line: ${line} appears twice`);
    seen.add(line);
    if (reference !== `${roll.id}-${line}`) problems.push(`${at}: reference: does not match line ${line}`);
    if (accountNumber !== expected.accountNumber) problems.push(`${at}: accountNumber: does not match line ${line}'s account`);
    if (amountText !== String(expected.amountFen)) problems.push(`${at}: amountFen: ${/^[0-9]{1,12}$/.test(amountText) ? amountText : 'not an amount'} is not line ${line}'s ${expected.amountFen}`);
    if (!RETURN_STATUSES.has(status)) problems.push(`${at}: status: must be PAID, FAILED or RETURNED`);
    if (status === 'PAID' && !isValidIsoDate(paidDate)) problems.push(`${at}: paidDate: a PAID line needs its date YYYY-MM-DD`);
    if (status !== 'PAID' && paidDate !== '' && !isValidIsoDate(paidDate)) problems.push(`${at}: paidDate: must be a date YYYY-MM-DD or empty`);
    out.push({ line, status: status as ReturnLine['status'], paidDate: paidDate || null });
  });
  const missing = [...payable.keys()].filter((l) => !seen.has(l));
  if (missing.length) problems.push(`lines missing from the return: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}`);
  if (problems.length) throw badInput(`the bank's return does not match the roll; nothing was recorded:\n${problems.slice(0, 50).join('\n')}`, 'bankReturn');
  return out;
}

/**
 * `reconcilePaymentRoll`: the bank's return marks each line PAID, FAILED or RETURNED, recorded
 * here in one transaction with what is still to do: deliver the lines to the department as its
 * payments (an outbox on the roll, `RollDeliverer`). The department is called only after the
 * commit, never inside the transaction (a slow or absent department holds no lock here), once at
 * once and then again until it has them; its payment ids are the roll's and the line's, so a
 * delivery repeated records nothing twice. A return that does not match the roll is refused
 * whole; a roll already reconciled (or reconciled at the same moment) is refused.
 */
export async function reconcileRoll(ctx: Context, id: string, bankReturn: string, deliverer: RollDeliverer): Promise<PaymentRollRow> {
  const roll = await readableRoll(ctx, id);
  const caller = assertPayingOfficer(ctx.caller, roll.department, roll.regionCode);
  if (roll.status !== 'APPROVED') throw conflict(`the roll is ${roll.status}: only an approved roll is reconciled`);
  const lines = await rollLines(ctx.db, id);
  const results = checkBankReturn(roll, lines, bankReturn);
  if (!ctx.purpose) throw badInput("reconciling records the department's payments: declare its purpose in the X-Purpose header", 'x-purpose');
  const officer = { sub: caller.sub, role: 'DEPARTMENT_OFFICER' as const, department: roll.department, ...(caller.region ? { region: caller.region } : {}) };
  const done = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(paymentRolls)
      .set({ status: 'RECONCILED', reconciledBy: caller.sub, reconciledAt: sql`now()`, reconciledCaller: officer, reconciledPurpose: ctx.purpose })
      .where(and(eq(paymentRolls.id, id), eq(paymentRolls.status, 'APPROVED')))
      .returning();
    if (!row) throw conflict('the roll was reconciled meanwhile');
    for (const r of results) await tx.update(paymentRollLines).set({ status: r.status, paidDate: r.paidDate }).where(and(eq(paymentRollLines.rollId, id), eq(paymentRollLines.line, r.line)));
    return row;
  });
  // Committed: the department is asked now, the answer awaited a while (the roll as it then
  // stands: paymentsRecorded); if it does not answer, the deliverer asks again.
  const attempt = deliverer.deliver(done).catch(() => null);
  const delivered = await Promise.race([attempt, new Promise<null>((r) => setTimeout(() => r(null), RECONCILE_WAIT_MS).unref())]);
  return delivered ?? done;
}

/** How long a reconciliation waits for the department's first delivery before answering. */
const RECONCILE_WAIT_MS = 10_000;

/** A reconciled roll's lines as the department's payment records (the same ids every time). */
export function rollPayments(roll: PaymentRollRow, lines: readonly PaymentRollLineRow[]) {
  return lines
    .filter((l) => l.status === 'PAID' || l.status === 'FAILED' || l.status === 'RETURNED')
    .map((l) => ({
      type: 'payment', id: `${roll.id}-${l.line}`, department: roll.department, awardId: l.awardId, personId: l.personId, period: roll.period,
      amountFen: l.amountFen, accountNumber: l.accountNumber, paidDate: l.paidDate, status: l.status,
    }));
}

/**
 * Delivers reconciled rolls' lines to their departments (the outbox kept on `payment_rolls`): one
 * at once after each reconciliation, and every `intervalMs` those not yet confirmed, oldest first,
 * on behalf of the officer who reconciled, with the purpose they declared. A failure is kept on
 * the roll (attempts, the error) for the next pass; a delivery that reached the department but was
 * not confirmed here is repeated, which the department's ids make harmless.
 */
export class RollDeliverer {
  private readonly repeating: Repeating;

  constructor(
    private readonly db: Db,
    private readonly graph: GraphClient,
    private readonly log: Logger,
    intervalMs: number,
  ) {
    this.repeating = new Repeating(() => this.deliverDue(), intervalMs, (err) => this.log.warn({ err: err.message }, 'roll deliveries not made this time; tried again at the next turn'));
  }

  start(): void {
    this.repeating.start();
  }

  stop(): Promise<void> {
    return this.repeating.stop();
  }

  /** Every roll whose delivery is due, in turn; one failing leaves it for the next pass. */
  async deliverDue(): Promise<void> {
    const due = await this.db
      .select()
      .from(paymentRolls)
      .where(and(eq(paymentRolls.status, 'RECONCILED'), isNull(paymentRolls.paymentsRecordedAt)))
      .orderBy(asc(paymentRolls.reconciledAt))
      .limit(50);
    for (const roll of due) await this.deliver(roll);
  }

  /** Delivers one roll's lines; the roll as it then stands (null when it is not found). */
  async deliver(roll: PaymentRollRow): Promise<PaymentRollRow | null> {
    if (roll.paymentsRecordedAt || !roll.reconciledCaller) return roll;
    const payments = rollPayments(roll, await rollLines(this.db, roll.id));
    const names = rollNames[roll.department as Department];
    let error: string | null = null;
    try {
      if (payments.length) await this.graph.request(`mutation RecordRollPayments($p: String!) { ${names.record}(payments: $p) }`, { p: JSON.stringify(payments) }, roll.reconciledCaller as Caller, roll.reconciledPurpose);
    } catch (err) {
      error = (err as Error).message.slice(0, 500);
      this.log.warn({ roll: roll.id, department: roll.department, err: error }, "a reconciled roll's payments were not delivered; delivery will be retried");
    }
    const [row] = await this.db
      .update(paymentRolls)
      .set(error === null ? { paymentsRecordedAt: sql`now()`, deliveryError: null, deliveryAttempts: sql`${paymentRolls.deliveryAttempts} + 1` } : { deliveryError: error, deliveryAttempts: sql`${paymentRolls.deliveryAttempts} + 1` })
      .where(and(eq(paymentRolls.id, roll.id), isNull(paymentRolls.paymentsRecordedAt)))
      .returning();
    return row ?? (await rollById(this.db, roll.id));
  }
}
