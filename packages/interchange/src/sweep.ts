/**
 * The compact rows of a duplicate-aid sweep batch (the `SweepRows` scalar): what civil affairs and
 * the departments send the coordination office in bulk, one page of a region at a time. Rows are
 * arrays rather than objects so that tens of thousands of awards cost one JSON value each instead
 * of one GraphQL field resolution per field; the column names travel with the rows and the reader
 * checks them rather than trusting positions. Only what the rules read is sent: no amounts, no
 * department details, no addresses.
 */

/** The largest sweep batch, in households (about 3 persons and 8 awards each). */
export const MAX_SWEEP_BATCH = 5000;

export const SWEEP_HOUSEHOLD_COLUMNS = ['id', 'regionCode'] as const;
export const SWEEP_PERSON_COLUMNS = ['id', 'householdId', 'name', 'gender', 'birthDate', 'deathDate'] as const;
export const SWEEP_AWARD_COLUMNS = ['id', 'programme', 'personId', 'householdId', 'startDate', 'endDate', 'frequency', 'status'] as const;
/**
 * A payment sweep's rows (SPEC section 11): a department's payments of the page's persons for one
 * period, with their award's programme and amount (null when it has no such award), and the
 * accounts civil affairs registered for the page's persons, with the holder's household. Account
 * numbers travel in full between the services (the checks compare them); no answer to a client
 * shows them.
 */
export const SWEEP_PAYMENT_COLUMNS = ['id', 'awardId', 'personId', 'amountFen', 'accountNumber', 'status', 'programme', 'awardAmountFen', 'period'] as const;
export const SWEEP_ACCOUNT_COLUMNS = ['id', 'personId', 'accountNumber', 'holderId', 'holderHouseholdId'] as const;

export interface SweepRows<C extends readonly string[] = readonly string[]> {
  columns: C;
  rows: (string | null)[][];
}

/** Rows of `columns`, taken from objects that have them. */
export function toSweepRows<C extends readonly string[]>(columns: C, objects: readonly Record<C[number], string | null>[]): SweepRows<C> {
  const rows = new Array<(string | null)[]>(objects.length);
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i]!;
    const row = new Array<string | null>(columns.length);
    for (let c = 0; c < columns.length; c++) row[c] = o[columns[c] as C[number]];
    rows[i] = row;
  }
  return { columns, rows };
}

export class SweepRowsError extends Error {}

/**
 * The rows of a `SweepRows` value, after checking that it is one: the expected columns in order,
 * rows of that length, the first column (an id) a non-empty string, every value text, and null
 * only in the `nullable` columns. Anything else throws, naming `what` (e.g. "labourAwards"),
 * rather than feeding the rules a misread row. The rows are returned as they came (no copies).
 */
export function sweepRowsOf<C extends readonly string[]>(value: unknown, columns: C, what: string, nullable: readonly C[number][] = []): (string | null)[][] {
  if (!value || typeof value !== 'object') throw new SweepRowsError(`${what}: not a set of rows`);
  const { columns: got, rows } = value as { columns?: unknown; rows?: unknown };
  if (!Array.isArray(got) || got.length !== columns.length || got.some((c, i) => c !== columns[i])) {
    throw new SweepRowsError(`${what}: columns ${JSON.stringify(got)}, expected ${JSON.stringify(columns)}`);
  }
  if (!Array.isArray(rows)) throw new SweepRowsError(`${what}: rows missing`);
  const mayBeNull = columns.map((c) => nullable.includes(c));
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as unknown;
    if (!Array.isArray(row) || row.length !== columns.length) throw new SweepRowsError(`${what}: row ${i} does not have ${columns.length} values`);
    if (row[0] === '') throw new SweepRowsError(`${what}: row ${i} has no id`);
    for (let c = 0; c < columns.length; c++) {
      const v = row[c] as unknown;
      if (v === null ? !mayBeNull[c] : typeof v !== 'string') throw new SweepRowsError(`${what}: row ${i}, ${columns[c]} is ${v === null ? 'missing' : 'not text'}`);
    }
  }
  return rows as (string | null)[][];
}

/** Objects from a `SweepRows` value, checked as `sweepRowsOf` checks it. */
export function fromSweepRows<C extends readonly string[]>(value: unknown, columns: C, what: string, nullable: readonly C[number][] = []): Record<C[number], string | null>[] {
  return sweepRowsOf(value, columns, what, nullable).map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])) as Record<C[number], string | null>);
}

/** Each column's position, by name. */
export function columnIndex<C extends readonly string[]>(columns: C): Record<C[number], number> {
  return Object.fromEntries(columns.map((c, i) => [c, i])) as Record<C[number], number>;
}
