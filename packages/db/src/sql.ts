import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from './open.ts';

/**
 * `column = ANY(values)` with the values as one JSON parameter, however many there are (a
 * parameter per value costs more to build than the query takes with thousands of ids). An
 * `= ANY(ARRAY(…))` rather than an `IN (SELECT …)`: it uses the column's index, also OR-ed with
 * another such condition. PostgreSQL 15 and PGlite both take it.
 */
export function anyOf(column: SQLWrapper, values: readonly string[]): SQL {
  return anyOfJson(column, JSON.stringify(values));
}

/** `column = ANY(…)` of the JSON array text `json`: a bound value, or a placeholder bound later. */
function anyOfJson(column: SQLWrapper, json: unknown): SQL {
  return sql`${column} = ANY(ARRAY(SELECT jsonb_array_elements_text(${json}::jsonb)))`;
}

/**
 * `anyOf` for a prepared query: the values come at execution as the placeholder `name`, a JSON
 * array (`JSON.stringify(ids)`), so one statement serves any number of them.
 */
export function anyOfPlaceholder(column: SQLWrapper, name: string): SQL {
  return anyOfJson(column, sql.placeholder(name));
}

/**
 * A query prepared once per database and kept: `build(db)` returns drizzle's `.prepare(name)` of
 * it. On the server each pooled connection parses and plans a named statement once and then only
 * binds and executes it. For the small lookups every request makes (a household, its members,
 * their awards) that is about half of PostgreSQL's CPU per lookup alone (0.06–0.08 against
 * 0.15–0.18 ms, measured 2026-12-06), and some 5% of its CPU per household picture under load.
 * `name` must be unique among the statements one database's connections prepare. PGlite runs
 * the same query unnamed.
 */
export function preparedPer<T>(build: (db: Db) => T): (db: Db) => T {
  const prepared = new WeakMap<Db, T>();
  return (db) => {
    let query = prepared.get(db);
    if (query === undefined) {
      query = build(db);
      prepared.set(db, query);
    }
    return query;
  };
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
