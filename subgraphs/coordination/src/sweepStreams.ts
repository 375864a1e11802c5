import { createRequestSigner, type Caller } from '@saf/auth';
import { MAX_SWEEP_BATCH, SWEEP_AWARD_COLUMNS, columnIndex, sweepRowsOf } from '@saf/interchange';
import { department as departmentInfo, type Department } from '@saf/programmes';
import { awardKey, type RuleAward } from '@saf/rules';
import type { DepartmentLinks } from './casework/grant.ts';
import { AWARD_FIELDS } from './requires.ts';

const A = columnIndex(SWEEP_AWARD_COLUMNS);
const DEPARTMENTS = Object.values(AWARD_FIELDS) as Department[];
const ELSEWHERE_COLUMNS = ['department', 'awardId'] as const;

/** A stream or request a sweep could not complete: the sweep fails (FAILED, with this message). */
export class SweepStreamError extends Error {}

/** Who reads, and why: the caller who asked for the sweep, with the purpose they declared. */
export interface StreamAsker {
  caller: Caller;
  purpose: string;
}

async function call(links: DepartmentLinks, subgraph: string, asker: StreamAsker, method: 'GET' | 'POST', pathAndQuery: string, body = ''): Promise<Response> {
  const url = new URL(pathAndQuery, links.url(subgraph));
  const sign = createRequestSigner({ secret: links.secret(subgraph), from: 'coordination', to: subgraph });
  const headers = { 'content-type': 'application/json', ...sign({ method, path: url.pathname + url.search, body, caller: asker.caller, purpose: asker.purpose }) };
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: method === 'GET' ? undefined : body, signal: AbortSignal.timeout(600_000) });
  } catch (err) {
    throw new SweepStreamError(`${subgraph} did not answer ${method} ${url.pathname}: ${(err as Error).message}`);
  }
  if (!res.ok) throw new SweepStreamError(`${subgraph} answered ${res.status} to ${method} ${url.pathname}: ${(await res.text().catch(() => '')).slice(0, 300)}`);
  return res;
}

/**
 * The chunks of an NDJSON stream (sweepStream.ts in @saf/department), each as it arrives; throws
 * when the stream ends without its end line or with another count than it carried (cut short).
 */
export async function* chunks(res: Response, what: string): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let buffered = '';
  let rows = 0;
  let ended = false;
  const line = (text: string): unknown => {
    if (ended) throw new SweepStreamError(`${what}: data after the end of the stream`);
    let value: { end?: unknown; count?: unknown; rows?: unknown };
    try {
      value = JSON.parse(text) as typeof value;
    } catch {
      throw new SweepStreamError(`${what}: a line of the stream is not JSON`);
    }
    if (value && value.end === true) {
      if (value.count !== rows) throw new SweepStreamError(`${what}: the stream says ${String(value.count)} rows, ${rows} came`);
      ended = true;
      return null;
    }
    rows += Array.isArray(value?.rows) ? value.rows.length : 0;
    return value;
  };
  try {
    for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
      // Only the new text is searched for line ends: a line (a chunk of thousands of rows) comes
      // in many reads, and searching it all again on each was quadratic in its length.
      const text = decoder.decode(bytes, { stream: true });
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        const whole = buffered + text.slice(start, nl);
        buffered = '';
        start = nl + 1;
        if (!whole) continue;
        const value = line(whole);
        if (value !== null) yield value;
      }
      buffered += text.slice(start);
    }
  } catch (err) {
    if (err instanceof SweepStreamError) throw err;
    throw new SweepStreamError(`${what}: the stream broke off (${(err as Error).message})`);
  }
  buffered += decoder.decode();
  if (buffered.trim()) {
    const value = line(buffered);
    if (value !== null) yield value;
  }
  if (!ended) throw new SweepStreamError(`${what}: the stream ended before its end line (cut short)`);
}

function toAward(department: Department, a: (string | null)[]): RuleAward {
  return {
    department,
    id: a[A.id]!,
    programme: a[A.programme]!,
    personId: a[A.personId]!,
    householdId: a[A.householdId] ?? null,
    startDate: a[A.startDate]!,
    endDate: a[A.endDate] ?? null,
    frequency: a[A.frequency] as RuleAward['frequency'],
    status: a[A.status] as RuleAward['status'],
  };
}

/**
 * Every award of a region's persons and households, for a sweep by streams: each department's
 * awards recorded under the region (one stream each, all at once), then those civil affairs'
 * register names for the region's persons and households that no stream brought (recorded under
 * another region), fetched by id. Held: each award once (a `RuleAward` of eight short strings),
 * indexed by person and by household; `take` hands a page its awards and drops them from the
 * index, so what is held shrinks as the pages are checked. Awards recorded under the region whose
 * person and household are of another region are held until the sweep ends (no page takes them).
 */
export class RegionAwards {
  private readonly byPerson = new Map<string, RuleAward[]>();
  private readonly byHousehold = new Map<string, RuleAward[]>();
  private readonly keys = new Set<string>();
  /** Awards read: by the streams, and by id (recorded under another region). */
  streamed = 0;
  fetchedById = 0;

  private add(award: RuleAward): void {
    const key = awardKey(award);
    if (this.keys.has(key)) return;
    this.keys.add(key);
    const p = this.byPerson.get(award.personId);
    if (p) p.push(award);
    else this.byPerson.set(award.personId, [award]);
    if (award.householdId !== null) {
      const h = this.byHousehold.get(award.householdId);
      if (h) h.push(award);
      else this.byHousehold.set(award.householdId, [award]);
    }
  }

  /** Reads every department's stream of `region`, then the awards recorded elsewhere by id. */
  static async read(links: DepartmentLinks, region: string, asker: StreamAsker): Promise<RegionAwards> {
    const held = new RegionAwards();
    const query = `?region=${encodeURIComponent(region)}`;
    await Promise.all(
      DEPARTMENTS.map(async (dept) => {
        const subgraph = departmentInfo(dept).subgraph;
        const what = `${subgraph} /sweep/awards`;
        for await (const chunk of chunks(await call(links, subgraph, asker, 'GET', `/sweep/awards${query}`), what)) {
          const rows = sweepRowsOfStream(chunk, what);
          for (const row of rows) held.add(toAward(dept, row));
          held.streamed += rows.length;
        }
      }),
    );
    // The register, after the streams: an award it names that no stream brought was recorded under another region.
    const missing = new Map<Department, Set<string>>();
    const what = 'civil-affairs /sweep/elsewhere';
    for await (const chunk of chunks(await call(links, 'civil-affairs', asker, 'GET', `/sweep/elsewhere${query}`), what)) {
      for (const [dept, id] of sweepRowsOf(chunk, ELSEWHERE_COLUMNS, what)) {
        if (!DEPARTMENTS.includes(dept as Department)) throw new SweepStreamError(`${what}: unknown department ${dept}`);
        if (held.keys.has(`${dept}:${id}`)) continue;
        let ids = missing.get(dept as Department);
        if (!ids) missing.set(dept as Department, (ids = new Set()));
        ids.add(id!);
      }
    }
    await Promise.all(
      [...missing].map(async ([dept, idSet]) => {
        const subgraph = departmentInfo(dept).subgraph;
        const ids = [...idSet];
        for (let i = 0; i < ids.length; i += MAX_SWEEP_BATCH) {
          const body = JSON.stringify({ region, ids: ids.slice(i, i + MAX_SWEEP_BATCH) });
          const res = await call(links, subgraph, asker, 'POST', '/sweep/awards', body);
          const rows = sweepRowsOf(await res.json(), SWEEP_AWARD_COLUMNS, `${subgraph} /sweep/awards by id`, ['householdId', 'endDate']);
          for (const row of rows) held.add(toAward(dept, row));
          held.fetchedById += rows.length;
        }
      }),
    );
    return held;
  }

  /**
   * A page's awards: those of its persons and those recorded against its households, each once
   * (what a department answers a page by id), taken out of the index.
   */
  take(personIds: Iterable<string>, householdIds: Iterable<string>): RuleAward[] {
    const page = new Set<RuleAward>();
    for (const id of personIds) {
      for (const a of this.byPerson.get(id) ?? []) page.add(a);
      this.byPerson.delete(id);
    }
    for (const id of householdIds) {
      for (const a of this.byHousehold.get(id) ?? []) page.add(a);
      this.byHousehold.delete(id);
    }
    return [...page];
  }
}

function sweepRowsOfStream(chunk: unknown, what: string): (string | null)[][] {
  return sweepRowsOf(chunk, SWEEP_AWARD_COLUMNS, what, ['householdId', 'endDate']);
}
