/**
 * Sweep speed: a coordinator's `runDuplicateAidSweep` through the gateway, timed until it is DONE;
 * and the best a monolith could do: every department's awards in one table of one database, the
 * same rule matches found by one SQL query (a self-join), timed alone. The bench runs them in
 * alternating rounds (run.ts) and compares medians.
 */
import pg from 'pg';
import { DEPARTMENTS, programmes } from '@saf/programmes';
import { defaultRuleSet, detectFindings, type RuleAward, type RulePerson } from '@saf/rules';
import { serviceOf } from './data.ts';
import { psql } from './load.ts';

interface SweepState {
  status: string;
  personsChecked: number;
  householdsChecked: number;
  findingsCount: number;
  error: string | null;
}

async function gql<T>(url: string, headers: Record<string, string>, query: string): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  const json = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (json.errors?.length || !json.data) throw new Error(`gateway: ${json.errors?.[0]?.message ?? res.status}`);
  return json.data;
}

export async function timedSweep(gatewayUrl: string, headers: Record<string, string>, region: string): Promise<SweepState & { seconds: number }> {
  const started = performance.now();
  const { runDuplicateAidSweep } = await gql<{ runDuplicateAidSweep: { id: string } }>(gatewayUrl, headers, `mutation { runDuplicateAidSweep(regionCode: "${region}") { id } }`);
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const { duplicateAidSweep: s } = await gql<{ duplicateAidSweep: SweepState }>(
      gatewayUrl,
      headers,
      `{ duplicateAidSweep(id: "${runDuplicateAidSweep.id}") { status personsChecked householdsChecked findingsCount error } }`,
    );
    if (s.status !== 'RUNNING' && s.status !== 'QUEUED') {
      if (s.status !== 'DONE') throw new Error(`sweep ${s.status}: ${s.error}`);
      return { ...s, seconds: (performance.now() - started) / 1000 };
    }
  }
}

/**
 * A payment sweep (SPEC section 11) of a region and month: `runPaymentSweep` through the gateway,
 * timed until it has ended (the region's households paged with every department's payments of the
 * month and the accounts, the seven payment rules over the whole region, findings recorded).
 */
export async function timedPaymentSweep(gatewayUrl: string, headers: Record<string, string>, region: string, period: string) {
  // Right after a load of 100,000 households the coordination office is busy with what the load
  // set off (review tasks from the outboxes, statistics brought up to date) and may miss the
  // gateway's deadline: the start is asked again, and a status read that was not answered is read
  // again (a sweep asked twice is one sweep). The time runs from the start that was answered.
  const patiently = async <T>(query: string, tries: number): Promise<T> => {
    for (let i = 1; ; i++) {
      try {
        return await gql<T>(gatewayUrl, headers, query);
      } catch (err) {
        if (i >= tries || !/not answering|did not answer|timed out|timeout/i.test((err as Error).message)) throw err;
        process.stderr.write(`  (${(err as Error).message}; asking again)\n`);
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
  };
  const started = performance.now();
  const { runPaymentSweep } = await patiently<{ runPaymentSweep: { id: string } }>(`mutation { runPaymentSweep(regionCode: "${region}", period: "${period}") { id } }`, 60);
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const { paymentSweep: s } = await patiently<{ paymentSweep: { status: string; householdsChecked: number; paymentsChecked: number; findingsCount: number; error: string | null; startedAt: string; finishedAt: string | null } }>(
      `{ paymentSweep(id: "${runPaymentSweep.id}") { status householdsChecked paymentsChecked findingsCount error startedAt finishedAt } }`,
      60,
    );
    if (s.status !== 'RUNNING') {
      if (s.status !== 'DONE') throw new Error(`payment sweep ${s.status}: ${s.error}`);
      // The sweep's own start and end, as the coordination office recorded them (the reads of its
      // status may have waited on a busy host); the wall time from the start answered beside it.
      const recorded = s.finishedAt ? (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000 : null;
      return { ...s, seconds: recorded ?? (performance.now() - started) / 1000, wallSeconds: (performance.now() - started) / 1000 };
    }
  }
}

/** The four rules of SPEC section 7 over one table; the pairs and repeatable flags come from the rule set, as data. */
const MONOLITH_QUERY = `
WITH paying AS MATERIALIZED (
  SELECT a.department, a.id, a.programme, a.person_id, p.household_id AS household, p.death_date, a.start_date AS s,
         coalesce(CASE WHEN a.frequency = 'ONCE' THEN coalesce(a.end_date, a.start_date) ELSE a.end_date END, 'infinity') AS e
  FROM awards a LEFT JOIN persons p ON p.id = a.person_id
  WHERE a.status IN ('ACTIVE', 'ENDED')
),
-- Awards of a repeatable programme in no pair can match nothing.
person_paying AS (SELECT * FROM paying WHERE programme NOT IN (SELECT programme FROM repeatable) OR programme IN (SELECT a FROM pairs UNION SELECT b FROM pairs)),
household_paying AS (SELECT * FROM paying WHERE programme IN (SELECT a FROM pairs WHERE kind = 'household' UNION SELECT b FROM pairs WHERE kind = 'household'))
SELECT CASE WHEN x.programme = y.programme AND r.programme IS NULL THEN 'SAME_PROGRAMME_OVERLAP'
            WHEN ex.kind IS NOT NULL THEN 'EXCLUSIVE_PROGRAMMES' ELSE 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES' END AS rule,
       x.department || ':' || x.id AS a, y.department || ':' || y.id AS b
FROM person_paying x
JOIN person_paying y ON y.person_id = x.person_id AND (x.department, x.id) < (y.department, y.id) AND x.s <= y.e AND y.s <= x.e
LEFT JOIN repeatable r ON r.programme = x.programme
LEFT JOIN pairs ex ON ex.kind = 'person' AND ex.a = least(x.programme, y.programme) AND ex.b = greatest(x.programme, y.programme)
LEFT JOIN pairs hh ON hh.kind = 'household' AND hh.a = least(x.programme, y.programme) AND hh.b = greatest(x.programme, y.programme)
WHERE (x.programme = y.programme AND r.programme IS NULL) OR ex.kind IS NOT NULL OR hh.kind IS NOT NULL
UNION ALL
SELECT 'HOUSEHOLD_EXCLUSIVE_PROGRAMMES', x.department || ':' || x.id, y.department || ':' || y.id
FROM household_paying x
JOIN household_paying y ON y.household = x.household AND y.person_id <> x.person_id AND (x.department, x.id) < (y.department, y.id) AND x.s <= y.e AND y.s <= x.e
JOIN pairs hh ON hh.kind = 'household' AND hh.a = least(x.programme, y.programme) AND hh.b = greatest(x.programme, y.programme)
UNION ALL
SELECT 'AWARD_AFTER_DEATH', department || ':' || id, NULL
FROM paying WHERE death_date IS NOT NULL AND e > death_date`;

function sqlText(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * The monolith, ready to be timed: the swept awards and persons in one scratch database, the rule
 * query run once at a time, and what the rule engine finds in the same data, so that a wrong query
 * cannot look fast.
 */
export interface Monolith {
  /** Matches the rule engine finds in the same data (the query must find as many). */
  expected: number;
  /** One run of the query, timed. */
  run(): Promise<{ seconds: number; matches: number }>;
  close(): Promise<void>;
}

/**
 * Loads the monolith's database as its DBA would leave it (COPY, indexes, VACUUM ANALYZE),
 * connects, tuned for the query, and runs the query once unmeasured.
 */
export async function prepareMonolith(url: string, files: { awards: string; persons: string }, data: { persons: RulePerson[]; awards: RuleAward[] }): Promise<Monolith> {
  const ruleSet = defaultRuleSet;
  const repeatable = programmes.filter((p) => ruleSet.repeatableOverrides[p.code] ?? p.repeatable).map((p) => p.code);
  const pairs = [
    ...ruleSet.exclusivePairs.map(([a, b]) => ['person', a, b] as const),
    ...ruleSet.householdExclusivePairs.map(([a, b]) => ['household', a, b] as const),
  ].map(([kind, a, b]) => `(${sqlText(kind)}, ${sqlText(a < b ? a : b)}, ${sqlText(a < b ? b : a)})`);
  psql(
    url,
    `CREATE TABLE awards (department text, id text, programme text, person_id text, household_id text, frequency text, start_date date, end_date date, status text, PRIMARY KEY (department, id));
CREATE TABLE persons (id text PRIMARY KEY, household_id text, death_date date);
CREATE TABLE repeatable (programme text PRIMARY KEY);
CREATE TABLE pairs (kind text, a text, b text, PRIMARY KEY (kind, a, b));
INSERT INTO repeatable VALUES ${repeatable.map((c) => `(${sqlText(c)})`).join(', ')};
INSERT INTO pairs VALUES ${pairs.join(', ')};
\\copy awards from '${files.awards}' with (format csv)
\\copy persons from '${files.persons}' with (format csv)
CREATE INDEX ON awards (person_id);
CREATE INDEX ON persons (household_id);
VACUUM ANALYZE;
`,
  );
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Tuned as a monolith's DBA would for this query (each measured on this data): no JIT (compiling
  // costs more than it saves here: 1.45 s → 0.76 s), memory to hash in, and hash joins rather
  // than sorting every award by person (→ 0.45 s).
  await client.query("SET jit = off; SET work_mem = '128MB'; SET enable_mergejoin = off");
  // Once unmeasured: the first run after a load also reads the table into memory.
  await client.query(MONOLITH_QUERY);
  const expected = detectFindings({ persons: data.persons, awards: data.awards, ruleSet, mode: 'paying' }).length;
  return {
    expected,
    run: async () => {
      const t = performance.now();
      const result = await client.query(MONOLITH_QUERY);
      return { seconds: (performance.now() - t) / 1000, matches: result.rowCount ?? 0 };
    },
    close: () => client.end(),
  };
}

/**
 * The floor of a sweep shaped as streams (issue 31): each department's awards of the region read
 * in one query (`region_code` under the region, the index's prefix) and civil affairs' persons of
 * the region's households in another, all at once, then the rules once over the lot, in this
 * process. No gateway, no pages, no findings written: a bound on what a sweep of that shape could
 * reach, set beside today's sweep and the monolith query. Not the same question as today's sweep in
 * one respect, counted here: an award a department recorded under another region, of a person of
 * this one, is not in a region's stream (`outside`: awards of the region's persons the stream
 * missed, looked up by person afterwards and not timed).
 */
export async function streamedSweepFloor(databaseUrl: (service: string) => string, region: string): Promise<{ seconds: number; findings: number; awards: number; persons: number; outside: number }> {
  const services = DEPARTMENTS.map((d) => ({ department: d, service: serviceOf(d) }));
  const clients = new Map<string, pg.Client>();
  for (const service of new Set(['civil-affairs', ...services.map((s) => s.service)])) {
    const client = new pg.Client({ connectionString: databaseUrl(service) });
    await client.connect();
    clients.set(service, client);
  }
  try {
    const like = `${region}%`;
    const started = performance.now();
    const [persons, ...byDepartment] = await Promise.all([
      clients.get('civil-affairs')!.query<[string, string, string | null]>({
        text: 'SELECT p.id, p.household_id, p.death_date::text FROM persons p JOIN households h ON h.id = p.household_id WHERE h.region_code LIKE $1',
        values: [like],
        rowMode: 'array',
      }),
      ...services.map(({ service }) =>
        clients.get(service)!.query<[string, string, string, string | null, string, string | null, string, string]>({
          text: 'SELECT id, programme, person_id, household_id, start_date::text, end_date::text, frequency, status FROM awards WHERE region_code LIKE $1',
          values: [like],
          rowMode: 'array',
        }),
      ),
    ]);
    const rulePersons: RulePerson[] = persons.rows.map(([id, householdId, deathDate]) => ({ id, householdId, deathDate }));
    const awards: RuleAward[] = byDepartment.flatMap((result, i) =>
      result.rows.map(([id, programme, personId, householdId, startDate, endDate, frequency, status]) => ({ department: services[i]!.department, id, programme, personId, householdId, startDate, endDate, frequency: frequency as RuleAward['frequency'], status: status as RuleAward['status'] })),
    );
    const findings = detectFindings({ persons: rulePersons, awards, ruleSet: defaultRuleSet, mode: 'paying' }).length;
    const seconds = (performance.now() - started) / 1000;
    // What the stream left out: awards of the region's persons recorded under another region.
    const ids = JSON.stringify(rulePersons.map((p) => p.id));
    let outside = 0;
    for (const { service } of services) {
      const { rows } = await clients.get(service)!.query<{ n: string }>('SELECT count(*) AS n FROM awards WHERE region_code NOT LIKE $1 AND person_id IN (SELECT jsonb_array_elements_text($2::jsonb))', [like, ids]);
      outside += Number(rows[0]!.n);
    }
    return { seconds, findings, awards: awards.length, persons: rulePersons.length, outside };
  } finally {
    for (const client of clients.values()) await client.end();
  }
}
