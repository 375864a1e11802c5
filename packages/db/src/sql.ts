import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/**
 * `column = ANY(values)` with the values as one JSON parameter, however many there are (a
 * parameter per value costs more to build than the query takes with thousands of ids). An
 * `= ANY(ARRAY(…))` rather than an `IN (SELECT …)`: it uses the column's index, also OR-ed with
 * another such condition. PostgreSQL 15 and PGlite both take it.
 */
export function anyOf(column: SQLWrapper, values: readonly string[]): SQL {
  return sql`${column} = ANY(ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb)))`;
}
