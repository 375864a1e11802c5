/**
 * The benchmark's data: one generation (`createGeneration`), written as two NDJSON files (the first
 * `sweepHouseholds` households, then the rest, so the sweep can run over exactly those), the
 * same rows as CSV for PostgreSQL COPY, and what the measurements check answers against.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { createGeneration } from '@saf/generator';
import type { AwardRecord, InterchangeRecord } from '@saf/interchange';
import { DEPARTMENTS, type Department } from '@saf/programmes';
import type { RuleAward, RulePerson } from '@saf/rules';

/** A file written with backpressure (the generation streams, the files do not fit in memory at 100,000 households). */
class Out {
  private readonly stream: WriteStream;
  private buffer: string[] = [];
  private size = 0;
  constructor(readonly file: string) {
    this.stream = createWriteStream(file, { encoding: 'utf8' });
  }
  async write(line: string): Promise<void> {
    this.buffer.push(line);
    this.size += line.length;
    if (this.size > 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    if (!this.buffer.length) return;
    const ok = this.stream.write(this.buffer.join(''));
    this.buffer = [];
    this.size = 0;
    if (!ok) await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/** One CSV field (PostgreSQL CSV: NULL is an unquoted empty field, an empty string is quoted). */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text === '' || /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
const csv = (values: unknown[]) => `${values.map(csvField).join(',')}\n`;

/** A CSV file per table and part, in COPY column order (the tables of the subgraphs' migrations). */
export const COPY_COLUMNS = {
  households: 'id, region_code, hukou, address',
  persons: 'id, name, gender, birth_date, death_date, household_id, relation',
  awards: 'id, programme, person_id, household_id, region_code, amount_fen, frequency, start_date, end_date, status, details',
  disability_certificates: 'id, person_id, category, grade, issued_date, valid_until',
  // Civil affairs' register of who each other department pays, which a load writes too.
  award_recipients: 'department, award_id, person_id, household_id',
  incomes: 'id, person_id, source, monthly_fen, start_date, end_date',
  properties: 'id, person_id, kind, area_sqm, acquired_date, disposed_date',
  standards: 'id, programme, region_code, monthly_fen, start_date, end_date',
  bank_accounts: 'id, person_id, bank, account_number, holder_id',
  payments: 'id, award_id, person_id, period, amount_fen, account_number, paid_date, status',
} as const;

export interface CopyFile {
  /** The service whose database holds the table. */
  service: string;
  table: keyof typeof COPY_COLUMNS;
  file: string;
  rows: number;
}

export interface PictureHousehold {
  id: string;
  regionCode: string;
  members: string[];
  /** Awards of the household and its members, all departments, each once. */
  awards: number;
  /** The part (0: the swept households loaded first, 1: the rest) it is loaded with. */
  part: number;
}

export interface Dataset {
  households: number;
  /** Part 1: the households the sweep covers; part 2: the rest (may be absent). */
  parts: { file: string; households: number; records: number; persons: number }[];
  /** COPY files of part 1, then part 2. */
  copy: CopyFile[][];
  /** Households with four members and awards from all seven departments (the household picture). */
  pictures: PictureHousehold[];
  /** The swept part as the rules see it (persons as civil affairs records them, every award). */
  swept: { persons: RulePerson[]; awards: RuleAward[] };
  /** Monolith CSVs of the swept part: every award in one table, and persons. */
  monolith: { awards: string; persons: string };
}

const SERVICE_OF: Record<Department, string> = {
  CIVIL_AFFAIRS: 'civil-affairs',
  LABOUR: 'labour',
  HEALTH: 'health',
  EDUCATION: 'education',
  HOUSING: 'housing',
  JUSTICE: 'justice',
  DISABLED_PERSONS_FEDERATION: 'disabled-persons-federation',
};
export const serviceOf = (d: Department) => SERVICE_OF[d];

export async function generateDataset(dir: string, options: { households: number; sweepHouseholds: number; seed: string; paymentsYear?: number }): Promise<Dataset> {
  const generation = createGeneration({ households: options.households, seed: options.seed, ...(options.paymentsYear ? { paymentsYear: options.paymentsYear } : {}) });
  const parts: Dataset['parts'] = [];
  const copy: CopyFile[][] = [];
  const monoAwards = new Out(path.join(dir, 'monolith-awards.csv'));
  const monoPersons = new Out(path.join(dir, 'monolith-persons.csv'));
  const swept: Dataset['swept'] = { persons: [], awards: [] };

  let part = -1;
  let ndjson: Out | null = null;
  let tables = new Map<string, { out: Out; entry: CopyFile }>();
  const openPart = async () => {
    await closePart();
    part++;
    ndjson = new Out(path.join(dir, `part${part + 1}.ndjson`));
    parts.push({ file: ndjson.file, households: 0, records: 0, persons: 0 });
    tables = new Map();
    copy.push([]);
  };
  const closePart = async () => {
    if (ndjson) await ndjson.close();
    for (const { out } of tables.values()) await out.close();
  };
  const table = (service: string, name: CopyFile['table']) => {
    const key = `${service}/${name}`;
    let t = tables.get(key);
    if (!t) {
      const entry: CopyFile = { service, table: name, file: path.join(dir, `part${part + 1}-${service}-${name}.csv`), rows: 0 };
      t = { out: new Out(entry.file), entry };
      tables.set(key, t);
      copy[part]!.push(entry);
    }
    t.entry.rows++;
    return t.out;
  };

  // The household picture: members and every award reaching the household, by department.
  const personHousehold = new Map<string, string>();
  let current: { id: string; regionCode: string; members: string[]; awards: Set<string>; departments: Set<Department> } | null = null;
  const pictures: PictureHousehold[] = [];
  const finishHousehold = () => {
    if (current && current.members.length === 4 && current.departments.size === DEPARTMENTS.length) {
      pictures.push({ id: current.id, regionCode: current.regionCode, members: current.members, awards: current.awards.size, part });
    } else if (current) {
      awardsOfHousehold.delete(current.id); // only the pictures' counts are needed later
    }
  };
  const awardsOfHousehold = new Map<string, { awards: Set<string>; departments: Set<Department> }>();

  let households = 0;
  for (const record of generation.records as Iterable<InterchangeRecord>) {
    if (record.type === 'household') {
      if (households === 0 || households === options.sweepHouseholds) await openPart();
      households++;
      parts[part]!.households++;
      finishHousehold();
      current = { id: record.id, regionCode: record.regionCode, members: [], awards: new Set(), departments: new Set() };
      awardsOfHousehold.set(record.id, current);
      await table('civil-affairs', 'households').write(csv([record.id, record.regionCode, record.hukou, record.address ?? null]));
    } else if (record.type === 'person') {
      personHousehold.set(record.id, record.householdId);
      if (current?.id === record.householdId) current.members.push(record.id);
      parts[part]!.persons++;
      await table('civil-affairs', 'persons').write(csv([record.id, record.name, record.gender, record.birthDate, record.deathDate ?? null, record.householdId, record.relation]));
      if (part === 0) {
        swept.persons.push({ id: record.id, householdId: record.householdId, deathDate: record.deathDate ?? null });
        await monoPersons.write(csv([record.id, record.householdId, record.deathDate ?? null]));
      }
    } else if (record.type === 'award') {
      const a: AwardRecord = record;
      for (const h of new Set([personHousehold.get(a.personId), a.householdId ?? undefined])) {
        const entry = h ? awardsOfHousehold.get(h) : undefined;
        if (entry) {
          entry.awards.add(`${a.department}:${a.id}`);
          entry.departments.add(a.department);
        }
      }
      await table(serviceOf(a.department), 'awards').write(
        csv([a.id, a.programme, a.personId, a.householdId ?? null, a.regionCode, a.amountFen, a.frequency, a.startDate, a.endDate ?? null, a.status, a.details ?? {}]),
      );
      if (a.department !== 'CIVIL_AFFAIRS') await table('civil-affairs', 'award_recipients').write(csv([a.department, a.id, a.personId, a.householdId ?? null]));
      if (part === 0) {
        swept.awards.push({ department: a.department, id: a.id, programme: a.programme, personId: a.personId, householdId: a.householdId ?? null, startDate: a.startDate, endDate: a.endDate ?? null, frequency: a.frequency, status: a.status });
        await monoAwards.write(csv([a.department, a.id, a.programme, a.personId, a.householdId ?? null, a.frequency, a.startDate, a.endDate ?? null, a.status]));
      }
    } else if (record.type === 'disabilityCertificate') {
      await table('disabled-persons-federation', 'disability_certificates').write(csv([record.id, record.personId, record.category, record.grade, record.issuedDate, record.validUntil ?? null]));
    } else if (record.type === 'income') {
      await table('labour', 'incomes').write(csv([record.id, record.personId, record.source, record.monthlyFen, record.startDate, record.endDate ?? null]));
    } else if (record.type === 'property') {
      await table('housing', 'properties').write(csv([record.id, record.personId, record.kind, record.areaSqm, record.acquiredDate, record.disposedDate ?? null]));
    } else if (record.type === 'bankAccount') {
      await table('civil-affairs', 'bank_accounts').write(csv([record.id, record.personId, record.bank, record.accountNumber, record.holderId]));
    } else if (record.type === 'payment') {
      await table(serviceOf(record.department), 'payments').write(
        csv([record.id, record.awardId, record.personId, record.period, record.amountFen, record.accountNumber, record.paidDate ?? null, record.status]),
      );
    } else {
      await table('civil-affairs', 'standards').write(csv([record.id, record.programme, record.regionCode, record.monthlyFen, record.startDate, record.endDate ?? null]));
    }
    parts[part]!.records++;
    await ndjson!.write(`${JSON.stringify(record)}\n`);
  }
  finishHousehold();
  await closePart();
  await monoAwards.close();
  await monoPersons.close();
  // Award counts are final only now (a planted case can add to an earlier household).
  for (const p of pictures) p.awards = awardsOfHousehold.get(p.id)!.awards.size;
  return { households, parts, copy, pictures, swept, monolith: { awards: monoAwards.file, persons: monoPersons.file } };
}
