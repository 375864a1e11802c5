/**
 * Issue 25, hole 12: the logs hold no person data, also when a query fails. Real failing queries
 * against a real database (civil affairs' tables, on DATABASE_URL's server or PGlite) raise
 * drizzle's DrizzleQueryError with the person's values in `params` and in its message, and
 * PostgreSQL's error with key values and the whole row in `detail`. Logged every way the services
 * log errors (as `err`, inside a GraphQLError through a subgraph's maskError, as a message string,
 * the database's own error, as the first argument), no line holds a value; each keeps the SQLSTATE
 * code, the constraint and the statement.
 */
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeResidentId } from '@saf/identity';
import { createTestDatabase, type TestDatabase } from '@saf/testing';
import { createLogger, maskError } from '../src/index.ts';

const MIGRATIONS = fileURLToPath(new URL('../../../subgraphs/civil-affairs/drizzle', import.meta.url));
const HOUSEHOLD = 'H654002770001';
const PERSON = makeResidentId('654002', '1972-08-12', 772);
const NAME = '王芳';
const ADDRESS = '伊宁市 解放路 77 号';

/** What a failed statement threw. */
async function failure(run: () => Promise<unknown>): Promise<Error & { cause?: { code?: string } }> {
  try {
    await run();
  } catch (err) {
    return err as Error & { cause?: { code?: string } };
  }
  throw new Error('the statement did not fail');
}

describe('error logs hold no person data', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('civil-affairs', MIGRATIONS);
    const { db } = database;
    await db.execute(sql`INSERT INTO households (id, region_code, hukou, address) VALUES (${HOUSEHOLD}, '654002', 'URBAN', ${ADDRESS})`);
    await db.execute(sql`INSERT INTO persons (id, name, gender, birth_date, household_id, relation) VALUES (${PERSON}, ${NAME}, 'FEMALE', '1972-08-12', ${HOUSEHOLD}, 'SPOUSE')`);
  });
  afterAll(() => database?.dispose());

  const insertPerson = (birthDate: string, deathDate: string | null) =>
    database.db.execute(sql`INSERT INTO persons (id, name, gender, birth_date, death_date, household_id, relation) VALUES (${PERSON}, ${NAME}, 'FEMALE', ${birthDate}, ${deathDate}, ${HOUSEHOLD}, 'SPOUSE')`);

  const cases: [string, () => Promise<unknown>, string, RegExp, string | undefined][] = [
    // detail: Key (id)=(6540…) already exists.
    ['a duplicate key', () => insertPerson('1972-08-12', null), '23505', /^INSERT INTO persons /, 'persons_pkey'],
    // detail: Failing row contains (6540…, 王芳, FEMALE, 1972-08-12, 1960-01-01, …).
    ['a check constraint', () => database.db.execute(sql`UPDATE persons SET death_date = ${'1960-01-01'} WHERE id = ${PERSON}`), '23514', /^UPDATE persons /, 'persons_death_after_birth'],
    // message: invalid input syntax for type date: "1972-08-12x" (the value, in the message itself).
    ['a malformed value', () => database.db.execute(sql`SELECT id FROM persons WHERE birth_date = ${'1972-08-12x'}::date AND id = ${PERSON}`), '22007', /^SELECT id FROM persons /, undefined],
  ];

  it.each(cases)('%s: every way it is logged keeps the code and statement, and no value', async (_name, run, code, statement, constraint) => {
    const err = await failure(run);
    // The values are there to leak: in the error drizzle raises and in the database's own.
    expect(err.constructor.name).toBe('DrizzleQueryError');
    expect(err.message).toContain(PERSON);
    expect(err.cause?.code).toBe(code);

    const lines: string[] = [];
    const log = createLogger('civil-affairs', 'info', { write: (line: string) => void lines.push(line) });
    log.error({ err, requestId: 'r1' }, 'request failed');
    maskError(log)({ message: err.message, path: ['person'], extensions: {} }, new GraphQLError(err.message, { path: ['person'], originalError: err }));
    log.warn({ err: err.message }, 'statistics not refreshed after a load');
    log.error({ err: err.cause }, 'the database refused');
    log.error(err, 'as the first argument');
    log.error({ error: err }, 'under another key');

    expect(lines).toHaveLength(6);
    const text = lines.join('\n');
    for (const value of [PERSON, NAME, HOUSEHOLD, ADDRESS, '1960-01-01', '1972-08-12x', JSON.stringify(NAME).slice(1, -1)]) expect(text).not.toContain(value);
    const [raw, masked, message, database_, first, other] = lines.map((l) => JSON.parse(l) as { err?: Record<string, unknown>; error?: Record<string, unknown>; msg: string });
    for (const entry of [raw!.err!, masked!.err!, first!.err!, other!.error!]) {
      const drizzle = (entry.cause && entry.type === 'GraphQLError' ? entry.cause : entry) as Record<string, unknown>;
      expect(drizzle.type).toBe('DrizzleQueryError');
      expect(drizzle.query).toMatch(statement);
      expect(drizzle.query).toContain('$1');
      expect(drizzle.params).toBeUndefined();
      expect(drizzle.message).toMatch(/^Failed query: .*\nparams: \[redacted\]$/s);
      expect(drizzle.stack).toMatch(/\n\s+at /);
      expect((drizzle.cause as Record<string, unknown>).code).toBe(code);
      expect((drizzle.cause as Record<string, unknown>).detail).toBeUndefined();
    }
    expect(message!.err).toMatch(/params: \[redacted\]$/);
    expect(database_!.err!.code).toBe(code);
    expect(database_!.err!.constraint).toBe(constraint);
  });
});
