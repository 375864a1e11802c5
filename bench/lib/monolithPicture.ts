/**
 * The monolith picture: what a caseworker's household page would cost if every department's
 * awards lived in one database. Households, persons and every award (a `department` column
 * beside each department's rows) COPY'd from the same CSV files the COPY comparison uses, and one
 * SQL query per household that returns the household picture's JSON as text (`{"data":
 * {"household": …}}`, the members and the awards of the household and its members, each once,
 * oldest first), which an application would pass through as it is. Run closed-loop like the
 * gateways' paths; its CPU is PostgreSQL's and its client's (the bench process).
 */
import pg from 'pg';
import { DEPARTMENTS } from '@saf/programmes';
import { COPY_COLUMNS, serviceOf, type CopyFile } from './data.ts';
import { psql } from './load.ts';
import type { Picture } from './picture.ts';
import { statsOf, type RunStats } from './stats.ts';

/** The household picture's JSON in one statement: the same fields, names and order as PICTURE_QUERY asks for. */
export const MONOLITH_PICTURE_QUERY = `
SELECT json_build_object('data', json_build_object('household', (
  SELECT json_build_object(
    'id', h.id,
    'regionCode', h.region_code,
    'members', (SELECT coalesce(json_agg(json_build_object('id', p.id, 'name', p.name, 'gender', p.gender, 'birthDate', p.birth_date, 'deathDate', p.death_date) ORDER BY p.id), '[]')
                FROM persons p WHERE p.household_id = h.id),
    'awards', (SELECT coalesce(json_agg(json_build_object('id', a.id, 'department', a.department, 'programme', a.programme, 'personId', a.person_id, 'amountFen', a.amount_fen,
                                                          'frequency', a.frequency, 'startDate', a.start_date, 'endDate', a.end_date, 'status', a.status)
                                        ORDER BY a.start_date, a.department, a.id), '[]')
               FROM (SELECT department, id, programme, person_id, amount_fen, frequency, start_date, end_date, status FROM awards WHERE household_id = h.id
                     UNION
                     SELECT a.department, a.id, a.programme, a.person_id, a.amount_fen, a.frequency, a.start_date, a.end_date, a.status
                     FROM persons m JOIN awards a ON a.person_id = m.id WHERE m.household_id = h.id) a))
  FROM households h WHERE h.id = $1)))::text AS body`;

const DEPARTMENT_OF_SERVICE = new Map(DEPARTMENTS.map((d) => [serviceOf(d), d]));

/** The psql script that makes the monolith's tables from the COPY files of the parts loaded. */
export function monolithPictureScript(files: readonly CopyFile[]): string {
  const lines = [
    'CREATE TABLE households (id text PRIMARY KEY, region_code text NOT NULL, hukou text, address text);',
    'CREATE TABLE persons (id text PRIMARY KEY, name text, gender text, birth_date date, death_date date, household_id text, relation text);',
    'CREATE TABLE awards (department text NOT NULL, id text NOT NULL, programme text, person_id text, household_id text, region_code text, amount_fen bigint, frequency text, start_date date, end_date date, status text, details jsonb, PRIMARY KEY (department, id));',
  ];
  const order: CopyFile['table'][] = ['households', 'persons', 'awards'];
  for (const f of [...files].filter((f) => order.includes(f.table) && (f.table === 'awards' || f.service === 'civil-affairs')).sort((a, b) => order.indexOf(a.table) - order.indexOf(b.table))) {
    if (f.table === 'awards') {
      const department = DEPARTMENT_OF_SERVICE.get(f.service);
      if (!department) throw new Error(`awards of ${f.service}: not a department`);
      lines.push(`ALTER TABLE awards ALTER COLUMN department SET DEFAULT '${department}';`);
    }
    lines.push(`\\copy ${f.table} (${COPY_COLUMNS[f.table]}) from '${f.file}' with (format csv)`);
  }
  lines.push('ALTER TABLE awards ALTER COLUMN department DROP DEFAULT;', 'CREATE INDEX ON persons (household_id);', 'CREATE INDEX ON awards (person_id);', 'CREATE INDEX ON awards (household_id);', 'VACUUM ANALYZE;');
  return `${lines.join('\n')}\n`;
}

export interface MonolithPicture {
  /** One household's picture as the JSON text the query returns. */
  picture(id: string): Promise<string>;
  close(): Promise<void>;
}

/** Makes the tables in `url`'s (empty) database and opens a pool of `connections`. */
export async function prepareMonolithPicture(url: string, files: readonly CopyFile[], connections: number): Promise<MonolithPicture> {
  psql(url, monolithPictureScript(files));
  const pool = new pg.Pool({ connectionString: url, max: connections, idleTimeoutMillis: 0 });
  const query = { name: 'household_picture', text: MONOLITH_PICTURE_QUERY };
  return {
    async picture(id) {
      const { rows } = await pool.query<{ body: string }>({ ...query, values: [id] });
      return rows[0]!.body;
    },
    close: () => pool.end(),
  };
}

/** Closed loop like autocannon's: `connections` queries in flight for `seconds`, ids rotating. */
export async function runMonolithPicture(monolith: MonolithPicture, ids: string[], connections: number, seconds: number): Promise<RunStats> {
  let next = Math.floor(Math.random() * ids.length);
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        try {
          await monolith.picture(ids[next++ % ids.length]!);
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  return statsOf(latencies, (performance.now() - started) / 1000, errors);
}

/**
 * Whether two answers are the same household picture: the same household, members and awards
 * with the same fields (members and awards compared as sets, by id and by department:id; JSON
 * key order and list order aside). Returns what differs, or null.
 */
export function pictureDifference(a: { data?: Picture }, b: { data?: Picture }): string | null {
  const ha = a.data?.household as Record<string, unknown> | null | undefined;
  const hb = b.data?.household as Record<string, unknown> | null | undefined;
  if (!ha || !hb) return ha === hb ? null : 'one has no household';
  for (const key of ['id', 'regionCode'] as const) if (ha[key] !== hb[key]) return `${key}: ${String(ha[key])} ≠ ${String(hb[key])}`;
  const keyed = (list: unknown, key: (x: Record<string, unknown>) => string) => new Map(((list ?? []) as Record<string, unknown>[]).map((x) => [key(x), x]));
  for (const [field, key] of [
    ['members', (x: Record<string, unknown>) => String(x.id)],
    ['awards', (x: Record<string, unknown>) => `${String(x.department)}:${String(x.id)}`],
  ] as const) {
    const la = keyed(ha[field], key);
    const lb = keyed(hb[field], key);
    if (la.size !== lb.size) return `${field}: ${la.size} ≠ ${lb.size}`;
    for (const [k, x] of la) {
      const y = lb.get(k);
      if (!y) return `${field}: ${k} missing`;
      for (const f of new Set([...Object.keys(x), ...Object.keys(y)])) {
        if (JSON.stringify(x[f] ?? null) !== JSON.stringify(y[f] ?? null)) return `${field} ${k}.${f}: ${JSON.stringify(x[f])} ≠ ${JSON.stringify(y[f])}`;
      }
    }
  }
  return null;
}
