import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGeneration } from '@saf/generator';
import type { InterchangeRecord } from '@saf/interchange';
import { loadFile } from '@saf/loader';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

interface Finding {
  rule: string;
  personIds: string[];
  awardIds: string[];
  householdId: string | null;
  overlapStart: string | null;
  overlapEnd: string | null;
  regionCode: string;
}

const key = (f: Omit<Finding, 'regionCode'>) => JSON.stringify([f.rule, [...f.personIds].sort(), [...f.awardIds].sort(), f.householdId, f.overlapStart, f.overlapEnd]);

async function sweep(system: System, regionCode: string) {
  const started = await system.query(`mutation ($r: String!) { runDuplicateAidSweep(regionCode: $r) { id } }`, { r: regionCode });
  expect(started.errors).toBeUndefined();
  let row: { status: string; error: string | null; personsChecked: number; householdsChecked: number; findingsCount: number } = { status: 'RUNNING', error: null, personsChecked: 0, householdsChecked: 0, findingsCount: 0 };
  for (let i = 0; i < 1200 && (row.status === 'RUNNING' || row.status === 'QUEUED'); i++) {
    await new Promise((r) => setTimeout(r, 100));
    row = (await system.query(`query ($id: ID!) { duplicateAidSweep(id: $id) { status error personsChecked householdsChecked findingsCount } }`, { id: started.data!.runDuplicateAidSweep.id })).data!.duplicateAidSweep;
  }
  return row;
}

async function findings(system: System, regionCode: string): Promise<Finding[]> {
  const all: Finding[] = [];
  let after: string | null = null;
  for (;;) {
    const res: { data?: any; errors?: unknown[] } = await system.query(
      `query ($r: String!, $after: String) { duplicateAidFindings(regionCode: $r, first: 200, after: $after) { edges { node { rule personIds awardIds householdId overlapStart overlapEnd regionCode } } pageInfo { hasNextPage endCursor } } }`,
      { r: regionCode, after },
    );
    expect(res.errors).toBeUndefined();
    all.push(...res.data!.duplicateAidFindings.edges.map((e: { node: Finding }) => e.node));
    if (!res.data!.duplicateAidFindings.pageInfo.hasNextPage) break;
    after = res.data!.duplicateAidFindings.pageInfo.endCursor;
  }
  return all;
}

/**
 * A sweep by streams (each department's awards recorded under the region, and those of the
 * region's persons recorded elsewhere fetched by id) finds exactly what a sweep by pages (every
 * page's awards by person and household id) finds: two systems on the same departments' databases,
 * each with its own coordination office, one sweeping each way, on a generated file where some
 * planted cases have an award recorded under another county, or another prefecture.
 */
describe('a sweep by streams against a sweep by pages, on the same data', () => {
  let pages: System;
  let streams: System;
  const generation = createGeneration({ households: 360, seed: 23 });
  const records: InterchangeRecord[] = [...generation.records];
  const householdRegion = new Map<string, string>();
  const personHousehold = new Map<string, string>();
  for (const r of records) {
    if (r.type === 'household') householdRegion.set(r.id, r.regionCode);
    if (r.type === 'person') personHousehold.set(r.id, r.householdId);
  }
  // The county with the most planted cases is swept; some of its planted cases get an award recorded elsewhere.
  const counts = new Map<string, number>();
  for (const f of generation.planted) {
    const county = f.householdId ? householdRegion.get(f.householdId)!.slice(0, 6) : null;
    if (county) counts.set(county, (counts.get(county) ?? 0) + 1);
  }
  const county = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  for (const region of householdRegion.values()) if (!counts.has(region.slice(0, 6))) counts.set(region.slice(0, 6), 0);
  const otherCounty = [...counts.keys()].find((c) => c !== county)!;
  const awardsById = new Map<string, InterchangeRecord & { type: 'award' }>();
  for (const r of records) if (r.type === 'award') awardsById.set(`${r.id}`, r);
  const regionOfPerson = (personId: string) => householdRegion.get(personHousehold.get(personId) ?? '') ?? '';
  const inCounty = generation.planted.filter((f) => f.rule !== 'POSSIBLE_DUPLICATE_IDENTITY' && f.householdId && householdRegion.get(f.householdId)!.startsWith(county));
  const moved: { id: string; department: string; to: string }[] = [];
  // Elsewhere: a civil affairs award (in its own table), and other departments' (in the register).
  let civil = false;
  for (const [i, f] of inCounty.entries()) {
    const award = f.awardIds.map((id) => awardsById.get(id)).find((a) => a && (civil ? a.department !== 'CIVIL_AFFAIRS' : a.department === 'CIVIL_AFFAIRS')) ?? awardsById.get(f.awardIds[0]!);
    if (!award || moved.some((m) => m.id === award.id)) continue;
    civil ||= award.department === 'CIVIL_AFFAIRS';
    // Another county of the prefecture, or another prefecture (Urumqi's Tianshan district).
    const to = i % 2 ? `${otherCounty}` : '650102';
    award.regionCode = to;
    moved.push({ id: award.id, department: award.department, to });
    if (moved.length >= 6) break;
  }
  // And the other way: awards recorded under the county for persons of another county (no page of it takes them).
  const foreign = records.filter((r): r is InterchangeRecord & { type: 'award' } => r.type === 'award' && !regionOfPerson(r.personId).startsWith(county)).slice(0, 5);
  for (const a of foreign) a.regionCode = county;

  beforeAll(async () => {
    pages = await startSystem({ mode: process.env.DATABASE_URL ? 'postgres' : 'pglite', sweepPageSize: 50, sweepSource: 'pages' });
    const result = await loadFile(await writeNdjson(records), pages.loadOptions);
    expect(result).toMatchObject({ ok: true, records: records.length });
    // The departments' databases shared; coordination (findings) and audit (the access log) its own.
    const shared = Object.fromEntries([...pages.subgraphs].filter(([name]) => name !== 'coordination' && name !== 'audit').map(([name, s]) => [name, s.database]));
    streams = await startSystem({ mode: process.env.DATABASE_URL ? 'postgres' : 'pglite', sweepPageSize: 50, sweepSource: 'streams', databases: shared });
  }, 600_000);
  afterAll(async () => {
    await streams?.stop();
    await pages?.stop();
  });

  it('plants cases whose awards are recorded under another region, of both kinds', () => {
    expect(moved.length).toBeGreaterThanOrEqual(3);
    expect(moved.some((m) => m.department === 'CIVIL_AFFAIRS')).toBe(true);
    expect(moved.some((m) => m.department !== 'CIVIL_AFFAIRS')).toBe(true);
    expect(foreign.length).toBe(5);
  });

  it('finds exactly the same findings both ways, the cases with awards recorded elsewhere included', async () => {
    const byPages = await sweep(pages, county);
    expect(byPages).toMatchObject({ status: 'DONE', error: null });
    const byStreams = await sweep(streams, county);
    expect(byStreams).toMatchObject({ status: 'DONE', error: null, personsChecked: byPages.personsChecked, householdsChecked: byPages.householdsChecked, findingsCount: byPages.findingsCount });
    const a = (await findings(pages, county)).map((f) => JSON.stringify([key(f), f.regionCode])).sort();
    const b = (await findings(streams, county)).map((f) => JSON.stringify([key(f), f.regionCode])).sort();
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    // Every planted case of the county is found, those with an award recorded elsewhere too.
    const found = new Set((await findings(streams, county)).map(key));
    for (const f of inCounty) expect(found.has(key(f)), key(f)).toBe(true);
    const withMoved = inCounty.filter((f) => f.awardIds.some((id) => moved.some((m) => m.id === id)));
    expect(withMoved.length).toBeGreaterThanOrEqual(3);
  });

  it('finds the same over the whole prefecture, identity leads included', async () => {
    const byPages = await sweep(pages, '6540');
    const byStreams = await sweep(streams, '6540');
    expect(byPages).toMatchObject({ status: 'DONE', error: null });
    expect(byStreams).toMatchObject({ status: 'DONE', error: null, personsChecked: byPages.personsChecked, findingsCount: byPages.findingsCount });
    const a = (await findings(pages, '6540')).map((f) => JSON.stringify([key(f), f.regionCode])).sort();
    const b = (await findings(streams, '6540')).map((f) => JSON.stringify([key(f), f.regionCode])).sort();
    expect(b).toEqual(a);
    const identity = (f: Omit<Finding, 'regionCode'>) => (f.rule === 'POSSIBLE_DUPLICATE_IDENTITY' ? JSON.stringify([f.rule, [...f.personIds].sort()]) : key(f));
    expect((await findings(streams, '6540')).map(identity).sort()).toEqual(generation.planted.map(identity).sort());
  });

  it('refuses the streams to anyone but the coordination office, and to a caller outside the region', async () => {
    const civilAffairs = pages.subgraphs.get('civil-affairs')!.url;
    const labour = pages.subgraphs.get('labour')!.url;
    // Unsigned: refused before any route runs.
    expect((await fetch(new URL(`/sweep/awards?region=${county}`, labour))).status).toBeGreaterThanOrEqual(401);
    expect((await fetch(new URL(`/sweep/elsewhere?region=${county}`, civilAffairs))).status).toBeGreaterThanOrEqual(401);
    const { createRequestSigner, subgraphSigningSecret } = await import('@saf/auth');
    const ask = async (from: string, caller: { sub: string; role: string; region?: string } | null, path: string) => {
      const url = new URL(path, labour);
      const sign = createRequestSigner({ secret: subgraphSigningSecret('labour', {}, 'test'), from, to: 'labour' });
      return fetch(url, { headers: sign({ method: 'GET', path: url.pathname + url.search, body: '', caller: caller as never, purpose: caller ? 'SWEEP' : undefined }) });
    };
    // Signed by the gateway (which never sends it), or by the office for a caseworker of another county.
    expect((await ask('gateway', { sub: 'c', role: 'COORDINATOR' }, `/sweep/awards?region=${county}`)).status).toBe(403);
    expect((await ask('coordination', { sub: 'w', role: 'CASEWORKER', region: otherCounty }, `/sweep/awards?region=${county}`)).status).toBe(403);
    expect((await ask('coordination', { sub: 'c', role: 'COORDINATOR' }, `/sweep/awards?region=65x`)).status).toBe(400);
    // The office for a coordinator: the county's awards, then the end line with their count.
    const res = await ask('coordination', { sub: 'c', role: 'COORDINATOR' }, `/sweep/awards?region=${county}`);
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    const end = lines.at(-1);
    const rows = lines.slice(0, -1).flatMap((l: { rows: string[][] }) => l.rows);
    expect(end).toEqual({ end: true, count: rows.length });
    const expected = records.filter((r) => r.type === 'award' && r.department === 'LABOUR' && r.regionCode.startsWith(county)).map((r) => (r as { id: string }).id);
    expect(rows.map((r: string[]) => r[0]).sort()).toEqual(expected.sort());
  });
});
