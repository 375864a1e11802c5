import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from './open.ts';

/**
 * `column = ANY(values)` with the values as one JSON parameter, however many there are (a
 * parameter per value costs more to build than the query takes with thousands of ids). An
 * `= ANY(ARRAY(…))` rather than an `IN (SELECT …)`: it uses the column's index, also OR-ed with
 * another such condition. PostgreSQL 15 and PGlite both take it.
 */
export function anyOf(column: SQLWrapper, values: readonly string[]): SQL {
  return sql`${column} = ANY(ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb)))`;
}

/** `<expression> AS "<name>", …`: a select list whose result columns are named as given. */
export function selectList(fields: Readonly<Record<string, SQLWrapper>>): SQL {
  return sql.join(
    Object.entries(fields).map(([name, expression]) => sql`${expression} AS ${sql.identifier(name)}`),
    sql`, `,
  );
}

/**
 * The rows of a query as the driver returns them: objects keyed by the result columns' names,
 * text as text, and dates and timestamps as the database writes them (both drivers, as drizzle
 * sets them up). For bulk reads (a sweep page is tens of thousands of rows), where drizzle's
 * per-field mapping of a `select()` costs more than the query: name the columns with `selectList`.
 */
export async function rowsOf<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
