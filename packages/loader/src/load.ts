import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { LOADER, createRequestSigner, type RequestSigner } from '@saf/auth';
import { KeepAliveConnections } from '@saf/service/keep-alive';
import { awardRecipientOf, ownerOf, type LineError } from '@saf/interchange';
import { DEPARTMENTS, department, type Department } from '@saf/programmes';
import { FileScanner, householdMismatch, readLineBatches, twoHeads, type FileScan, type HouseholdCheck, type Member, type Reference } from './validateFile.ts';

export interface LoadOptions {
  /** Each department's service base URL (its `/ingest` endpoints). */
  targets: Record<Department, string>;
  batchSize?: number;
  /**
   * Each department's signing secret: its service answers only requests signed with it (the
   * loader runs where the operators keep the secrets, as the gateway does).
   */
  secrets: Record<Department, Buffer>;
  onProgress?: (event: ProgressEvent) => void;
}

export interface ProgressEvent {
  phase: 'validate' | 'check references' | 'stage' | 'commit';
  done: number;
  total: number;
}

export type LoadResult =
  | { ok: true; records: number; counts: Partial<Record<Department, Record<string, number>>> }
  | { ok: false; errors: LineError[] };

class IngestError extends Error {
  constructor(
    message: string,
    readonly errors: LineError[] = [],
  ) {
    super(message);
  }
}

/** Attempts of one ingest call; every call is idempotent (staging upserts by line, a commit twice changes nothing). */
const ATTEMPTS = 5;
const RETRY_STATUS = new Set([502, 503, 504]);
/** Batches per department sent and not yet answered, at most. */
const IN_FLIGHT = 2;

/** How long a call may wait for its answer before it counts as lost (and is retried). */
const ANSWER_TIMEOUT_MS = 300_000;

/**
 * One signed ingest call. A lost connection or a 502/503/504 is retried with backoff (a service
 * restarting, a proxy between): the call may have been applied already, which is harmless.
 */
async function call(connections: KeepAliveConnections, url: string, sign: RequestSigner, method: string, body: Buffer | string = ''): Promise<unknown> {
  const u = new URL(url);
  // Encoded once: the signature hashes these bytes and the request sends them as they are.
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  let answer: { status: number; text: string } | undefined;
  for (let attempt = 1; ; attempt++) {
    // A fresh signature each time: the service refuses a replayed nonce.
    const signed = sign({ method, path: u.pathname + u.search, body: bytes, caller: null });
    try {
      answer = await connections.request(u, method, { 'content-type': 'application/json', ...signed }, bytes, ANSWER_TIMEOUT_MS);
      if (!RETRY_STATUS.has(answer.status) || attempt >= ATTEMPTS) break;
    } catch (err) {
      if (attempt >= ATTEMPTS) throw new IngestError(`cannot reach ${u.origin}: ${(err as Error).message}; is the system running (npm start)?`);
    }
    await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1)));
  }
  let parsed: { errors?: LineError[]; error?: string } = {};
  try {
    parsed = JSON.parse(answer.text) as typeof parsed;
  } catch {
    // Not JSON (a proxy's error page): reported by its status below.
  }
  if (answer.status === 422 && parsed.errors) throw new IngestError('the service refused records', parsed.errors);
  if (answer.status < 200 || answer.status > 299) throw new IngestError(`${url} answered ${answer.status}: ${parsed.error ?? (answer.text.slice(0, 200) || '(no body)')}`);
  return parsed;
}

/**
 * A department's batch as the bytes of its request body, `{"records":[{"line":N,"record":<the
 * line as read>},…]}`, built in a buffer kept from batch to batch: a valid line already is the
 * record's JSON (the service validates it again), so its bytes are copied as they are, not
 * decoded, serialised and encoded again. (Building each body as a new string and encoding it was
 * a third of the loader's time, most of it the memory of the new strings and buffers.)
 */
export class BatchBody {
  private buffer = Buffer.allocUnsafe(1 << 20);
  private length = 0;
  count = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.length = this.buffer.write('{"records":[', 0, 'latin1');
    this.count = 0;
  }

  add(line: number, bytes: Buffer, start: number, end: number): void {
    const head = `${this.count ? ',' : ''}{"line":${line},"record":`;
    this.ensure(head.length + (end - start) + 1);
    this.length += this.buffer.write(head, this.length, 'latin1');
    this.length += bytes.copy(this.buffer, this.length, start, end);
    this.buffer[this.length++] = 0x7d; // }
    this.count++;
  }

  /** A record the loader made (not a line's bytes), under the number of the line it comes from. */
  addJson(line: number, json: string): void {
    const text = `${this.count ? ',' : ''}{"line":${line},"record":${json}}`;
    this.ensure(Buffer.byteLength(text));
    this.length += this.buffer.write(text, this.length, 'utf8');
    this.count++;
  }

  /** The finished body; valid until the next `reset`. */
  finish(): Buffer {
    this.ensure(2);
    this.length += this.buffer.write(']}', this.length, 'latin1');
    return this.buffer.subarray(0, this.length);
  }

  private ensure(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }
}

/** What a load signs with: loader→<each department's subgraph>, which no other service accepts. */
type Signers = Record<Department, RequestSigner>;

function signersOf(secrets: LoadOptions['secrets']): Signers {
  return Object.fromEntries(DEPARTMENTS.map((d) => [d, createRequestSigner({ secret: secrets[d], from: LOADER, to: department(d).subgraph })])) as Signers;
}

/**
 * What the file refers to and does not define, against what civil affairs has registered: the
 * persons and households must exist, and an award's household must be its person's.
 */
async function checkReferences(connections: KeepAliveConnections, unresolved: Reference[], householdChecks: HouseholdCheck[], options: LoadOptions, signers: Signers): Promise<LineError[]> {
  const known = { persons: new Set<string>(), households: new Set<string>(), householdOf: new Map<string, string>() };
  const persons = [...new Set(unresolved.filter((r) => r.kind === 'person').map((r) => r.id))];
  const households = [...new Set(unresolved.filter((r) => r.kind === 'household').map((r) => r.id))];
  for (let i = 0; i < Math.max(persons.length, households.length); i += 5000) {
    const body = JSON.stringify({ persons: persons.slice(i, i + 5000), households: households.slice(i, i + 5000) });
    const found = (await call(connections, `${options.targets.CIVIL_AFFAIRS}/ingest/known`, signers.CIVIL_AFFAIRS, 'POST', body)) as { persons: string[]; households: string[]; householdOf: Record<string, string> };
    found.persons.forEach((id) => known.persons.add(id));
    found.households.forEach((id) => known.households.add(id));
    for (const [person, household] of Object.entries(found.householdOf)) known.householdOf.set(person, household);
  }
  const errors: LineError[] = unresolved
    .filter((r) => !(r.kind === 'person' ? known.persons : known.households).has(r.id))
    .map((r) => ({ line: r.line, field: r.field, message: `${r.kind} ${r.id} is neither in the file nor registered with civil affairs` }));
  // An unknown person is reported above; a registered one must be a member of the award's household.
  for (const check of householdChecks) {
    const household = known.householdOf.get(check.personId);
    if (household !== undefined && household !== check.householdId) errors.push(householdMismatch(check, `registered with civil affairs in ${household}`));
  }
  return errors.sort((a, b) => a.line - b.line);
}

/**
 * The file's persons against civil affairs' register: a household the load would leave with two
 * heads (户主: one the file gives it, one registered that the file does not replace), and an ID
 * number registered for someone else (another name) in another household — the load would merge
 * two people, as loading a file whose ids clash with the stored ones does. A person the file moves
 * to another household under their registered name is a move, and allowed.
 */
async function checkMemberships(connections: KeepAliveConnections, members: Member[], options: LoadOptions, signers: Signers): Promise<LineError[]> {
  const registered = new Map<string, { householdId: string; name: string }>();
  const heads = new Map<string, string[]>();
  const fileHeads = members.filter((m) => m.head);
  const headsOf = [...new Set(fileHeads.map((m) => m.householdId))];
  for (let i = 0; i < Math.max(members.length, headsOf.length); i += 5000) {
    const body = JSON.stringify({ members: members.slice(i, i + 5000).map((m) => m.personId), headsOf: headsOf.slice(i, i + 5000) });
    const found = (await call(connections, `${options.targets.CIVIL_AFFAIRS}/ingest/known`, signers.CIVIL_AFFAIRS, 'POST', body)) as {
      registered?: Record<string, { householdId: string; name: string }>;
      heads?: Record<string, string[]>;
    };
    for (const [id, r] of Object.entries(found.registered ?? {})) registered.set(id, r);
    for (const [household, ids] of Object.entries(found.heads ?? {})) heads.set(household, ids);
  }
  const inFile = new Set(members.map((m) => m.personId));
  const errors: LineError[] = [];
  for (const m of members) {
    const r = registered.get(m.personId);
    if (r && r.householdId !== m.householdId && r.name !== m.name) {
      errors.push({
        line: m.line,
        field: 'id',
        message: `person ${m.personId} is registered with civil affairs as ${r.name} in household ${r.householdId}; this line names ${m.name} in ${m.householdId}: one ID number for two people (ids clashing with data already loaded?)`,
      });
    }
  }
  // The file's own record of a registered head replaces it (as a head or not, here or elsewhere).
  for (const m of fileHeads) {
    const other = (heads.get(m.householdId) ?? []).find((id) => id !== m.personId && !inFile.has(id));
    if (other) errors.push(twoHeads(m, `${other}, registered with civil affairs as its head`));
  }
  return errors.sort((a, b) => a.line - b.line);
}

/**
 * Loads a file all or nothing, in one pass over it: every line is validated as it is read and,
 * while the file is still good, staged in batches through its department's own service (staging
 * writes nothing a reader sees). On any bad line staging stops, the rest of the file is still
 * checked so that every error is reported, and what was staged is dropped. Then the references
 * the file does not resolve itself are checked against civil affairs, and each department
 * commits its staged records in one transaction. Records are replaced by identity, so a re-run
 * changes nothing and completes a load that was interrupted. (One pass, not validate-then-stage:
 * validating each line twice was 40% of the loader's CPU, and the loader the slowest stage.)
 */
export async function loadFile(file: string, options: LoadOptions): Promise<LoadResult> {
  const connections = new KeepAliveConnections();
  try {
    return await load(connections, file, options);
  } finally {
    connections.close();
  }
}

async function load(connections: KeepAliveConnections, file: string, options: LoadOptions): Promise<LoadResult> {
  const batchSize = options.batchSize ?? 2000;
  const size = (await stat(file)).size;
  const progress = (phase: ProgressEvent['phase'], done: number, total: number) => options.onProgress?.({ phase, done, total });

  const signers = signersOf(options.secrets);
  const loadId = `load-${Date.now()}-${randomUUID().slice(0, 8)}`;
  const used = new Set<Department>();
  // The batch each department is filling, and bodies of batches answered, to be filled again.
  const filling = new Map<Department, BatchBody>(DEPARTMENTS.map((d) => [d, new BatchBody()]));
  const spare: BatchBody[] = [];
  // Up to IN_FLIGHT batches per department at once: the loader goes on reading and checking the
  // file while a service stages, and the service has the next batch as soon as it is done.
  const inFlight = new Map<Department, Promise<void>[]>(DEPARTMENTS.map((d) => [d, []]));
  // What the services refused (422, with lines), or a failure that ends the load; either stops staging.
  const refused: LineError[] = [];
  let failure: unknown = null;
  const send = async (dept: Department) => {
    const batch = filling.get(dept)!;
    if (!batch.count || refused.length || failure) return batch.reset();
    used.add(dept);
    // A bounded number in flight per department keeps memory bounded.
    const pending = inFlight.get(dept)!;
    while (pending.length >= IN_FLIGHT) await pending.shift();
    filling.set(dept, spare.pop() ?? new BatchBody());
    const request = call(connections, `${options.targets[dept]}/ingest/${loadId}/records`, signers[dept], 'POST', batch.finish()).then(
      () => {},
      (err: unknown) => {
        if (err instanceof IngestError && err.errors.length) refused.push(...err.errors);
        else failure ??= err;
      },
    );
    pending.push(
      request.finally(() => {
        batch.reset();
        spare.push(batch);
      }),
    );
  };
  const allInFlight = () => [...inFlight.values()].flat();
  const abortAll = async () => {
    await Promise.allSettled(allInFlight());
    await Promise.allSettled([...used].map((d) => call(connections, `${options.targets[d]}/ingest/${loadId}`, signers[d], 'DELETE')));
  };

  const scanner = new FileScanner();
  let scan: FileScan;
  try {
    for await (const { lines, first, bytes, bounds, notUtf8 } of readLineBatches(file, (read) => progress('validate', read, size))) {
      for (let i = 0; i < lines.length; i++) {
        const line = first + i;
        const record = scanner.add(lines[i]!, line, !notUtf8.includes(i));
        // Once anything is wrong nothing more is staged: the rest of the file is only checked.
        if (!record || scanner.errors.length || refused.length || failure) continue;
        const dept = ownerOf(record);
        const batch = filling.get(dept)!;
        // The line's bytes as read: `bytes` is the reader's, valid until the next chunk.
        batch.add(line, bytes, bounds[2 * i]!, bounds[2 * i + 1]!);
        if (batch.count >= batchSize) await send(dept);
        // Civil affairs registers who each other department pays (its officers' access rests on
        // it): the award's identity, person and household only, committed with civil affairs.
        if (record.type === 'award' && dept !== 'CIVIL_AFFAIRS') {
          const register = filling.get('CIVIL_AFFAIRS')!;
          register.addJson(line, JSON.stringify(awardRecipientOf(record)));
          if (register.count >= batchSize) await send('CIVIL_AFFAIRS');
        }
      }
    }
    scan = scanner.finish();
    if (!scan.errors.length) for (const dept of DEPARTMENTS) await send(dept);
    await Promise.all(allInFlight());
  } catch (err) {
    await abortAll();
    throw err;
  }
  if (failure) {
    await abortAll();
    throw failure;
  }
  if (scan.errors.length || refused.length) {
    await abortAll();
    return { ok: false, errors: [...scan.errors, ...refused].sort((a, b) => a.line - b.line) };
  }
  if (scan.unresolved.length || scan.householdChecks.length) {
    progress('check references', 0, scan.unresolved.length);
    const refErrors = await checkReferences(connections, scan.unresolved, scan.householdChecks, options, signers).catch(async (err: unknown) => {
      await abortAll();
      throw err;
    });
    if (refErrors.length) {
      await abortAll();
      return { ok: false, errors: refErrors };
    }
  }
  if (scan.members.length) {
    const memberErrors = await checkMemberships(connections, scan.members, options, signers).catch(async (err: unknown) => {
      await abortAll();
      throw err;
    });
    if (memberErrors.length) {
      await abortAll();
      return { ok: false, errors: memberErrors };
    }
  }
  progress('stage', scan.records, scan.records);

  // Civil affairs first: other departments' records refer to its persons and households, and
  // must not appear before them. Its register of who the others pay comes in with it: should a
  // department's commit then fail, the register names an award that department has yet to
  // commit until the load is run again (which completes it). Meanwhile the others apply theirs in transactions they hold open
  // (prepare), so that most of their work overlaps civil affairs' commit; once it is in, they
  // commit at once (each its own database; they do not refer to one another). A prepare that
  // fails or is refused (the embedded database) costs nothing: that department's commit applies
  // the load the usual way.
  const counts: Partial<Record<Department, Record<string, number>>> = {};
  let committed = 0;
  const commit = async (dept: Department) => {
    const result = (await call(connections, `${options.targets[dept]}/ingest/${loadId}/commit`, signers[dept], 'POST', '{}')) as { counts: Record<string, number> };
    counts[dept] = result.counts;
    progress('commit', ++committed, used.size);
  };
  const rest = DEPARTMENTS.filter((d) => d !== 'CIVIL_AFFAIRS' && used.has(d));
  if (used.has('CIVIL_AFFAIRS')) {
    // A prepare that failed only means that department commits the usual way.
    const prepared = rest.map((d) => call(connections, `${options.targets[d]}/ingest/${loadId}/prepare`, signers[d], 'POST', '{}').catch(() => {}));
    try {
      await commit('CIVIL_AFFAIRS');
    } catch (err) {
      // Nothing of the others may appear: the abort rolls their holds back and drops the staging.
      await Promise.all(prepared);
      await abortAll();
      throw err;
    }
    // A commit sent before its prepare arrived would apply the load beside the hold.
    await Promise.all(prepared);
  }
  const others = await Promise.allSettled(rest.map(commit));
  const failed = others.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return { ok: true, records: scan.records, counts: Object.fromEntries(DEPARTMENTS.filter((d) => counts[d]).map((d) => [d, counts[d]])) };
}
