import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { signRequest } from '@saf/auth';
import { ownerOf, validateLine, type LineError } from '@saf/interchange';
import { DEPARTMENTS, type Department } from '@saf/programmes';
import { readLines, scanFile, type Reference } from './validateFile.ts';

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

/**
 * One signed ingest call. A lost connection or a 502/503/504 is retried with backoff (a service
 * restarting, a proxy between): the call may have been applied already, which is harmless.
 */
async function call(url: string, secret: Buffer, init: { method: string; body?: string }): Promise<unknown> {
  let response: Response | undefined;
  const u = new URL(url);
  const text = init.body ?? '';
  for (let attempt = 1; ; attempt++) {
    // A fresh signature each time: the service refuses a replayed nonce.
    const signed = signRequest({ secret, method: init.method, path: u.pathname + u.search, body: text, caller: null });
    try {
      response = await fetch(url, { method: init.method, body: init.method === 'DELETE' ? undefined : text, headers: { 'content-type': 'application/json', ...signed } });
      if (!RETRY_STATUS.has(response.status) || attempt >= ATTEMPTS) break;
    } catch (err) {
      if (attempt >= ATTEMPTS) throw new IngestError(`cannot reach ${u.origin}: ${(err as Error).message}; is the system running (npm start)?`);
    }
    await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1)));
  }
  const body = (await response.json().catch(() => ({}))) as { errors?: LineError[]; error?: string };
  if (response.status === 422 && body.errors) throw new IngestError('the service refused records', body.errors);
  if (!response.ok) throw new IngestError(`${url} answered ${response.status}: ${body.error ?? JSON.stringify(body)}`);
  return body;
}

async function checkReferences(unresolved: Reference[], options: LoadOptions): Promise<LineError[]> {
  const known = { persons: new Set<string>(), households: new Set<string>() };
  const persons = [...new Set(unresolved.filter((r) => r.kind === 'person').map((r) => r.id))];
  const households = [...new Set(unresolved.filter((r) => r.kind === 'household').map((r) => r.id))];
  for (let i = 0; i < Math.max(persons.length, households.length); i += 5000) {
    const found = (await call(`${options.targets.CIVIL_AFFAIRS}/ingest/known`, options.secrets.CIVIL_AFFAIRS, {
      method: 'POST',
      body: JSON.stringify({ persons: persons.slice(i, i + 5000), households: households.slice(i, i + 5000) }),
    })) as { persons: string[]; households: string[] };
    found.persons.forEach((id) => known.persons.add(id));
    found.households.forEach((id) => known.households.add(id));
  }
  return unresolved
    .filter((r) => !(r.kind === 'person' ? known.persons : known.households).has(r.id))
    .map((r) => ({ line: r.line, field: r.field, message: `${r.kind} ${r.id} is neither in the file nor registered with civil affairs` }));
}

/**
 * Loads a file all or nothing: (1) validate every line and every reference, writing nothing on
 * any error; (2) stage each department's records through its own service; (3) commit each
 * department in one transaction. Records are replaced by identity, so a re-run changes nothing
 * and completes a load that was interrupted.
 */
export async function loadFile(file: string, options: LoadOptions): Promise<LoadResult> {
  const batchSize = options.batchSize ?? 2000;
  const size = (await stat(file)).size;
  const progress = (phase: ProgressEvent['phase'], done: number, total: number) => options.onProgress?.({ phase, done, total });

  const scan = await scanFile(file, (bytes) => progress('validate', bytes, size));
  if (scan.errors.length) return { ok: false, errors: scan.errors };
  if (scan.unresolved.length) {
    progress('check references', 0, scan.unresolved.length);
    const refErrors = await checkReferences(scan.unresolved, options);
    if (refErrors.length) return { ok: false, errors: refErrors };
  }

  const loadId = `load-${Date.now()}-${randomUUID().slice(0, 8)}`;
  const used = new Set<Department>();
  const batches = new Map<Department, { line: number; record: unknown }[]>(DEPARTMENTS.map((d) => [d, []]));
  const inFlight = new Map<Department, Promise<unknown>>();
  const send = async (dept: Department) => {
    const records = batches.get(dept)!;
    if (!records.length) return;
    batches.set(dept, []);
    used.add(dept);
    // One batch in flight per department keeps memory bounded and each service busy.
    await inFlight.get(dept);
    const request = call(`${options.targets[dept]}/ingest/${loadId}/records`, options.secrets[dept], { method: 'POST', body: JSON.stringify({ records }) });
    inFlight.set(dept, request);
    request.catch(() => {});
  };
  const abortAll = async () => {
    await Promise.allSettled([...inFlight.values()]);
    await Promise.allSettled([...used].map((d) => call(`${options.targets[d]}/ingest/${loadId}`, options.secrets[d], { method: 'DELETE' })));
  };

  try {
    let staged = 0;
    for await (const { text, line } of readLines(file)) {
      if (text.trim() === '') continue;
      const result = validateLine(text, line);
      if (!result.ok) throw new IngestError('the file changed while loading', result.errors);
      const dept = ownerOf(result.record);
      batches.get(dept)!.push({ line, record: result.record });
      if (batches.get(dept)!.length >= batchSize) await send(dept);
      if (++staged % 10_000 === 0) progress('stage', staged, scan.records);
    }
    for (const dept of DEPARTMENTS) await send(dept);
    await Promise.all(inFlight.values());
    progress('stage', scan.records, scan.records);
  } catch (err) {
    await abortAll();
    if (err instanceof IngestError && err.errors.length) return { ok: false, errors: err.errors };
    throw err;
  }

  // Civil affairs first: other departments' records refer to its persons and households.
  const counts: Partial<Record<Department, Record<string, number>>> = {};
  let committed = 0;
  for (const dept of DEPARTMENTS.filter((d) => used.has(d))) {
    const result = (await call(`${options.targets[dept]}/ingest/${loadId}/commit`, options.secrets[dept], { method: 'POST', body: '{}' })) as { counts: Record<string, number> };
    counts[dept] = result.counts;
    progress('commit', ++committed, used.size);
  }
  return { ok: true, records: scan.records, counts };
}
