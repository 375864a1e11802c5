/**
 * Issue 26: a generated file loaded into the demo system used the demo's ids and silently merged
 * households (two 户主 in one, awards paid to other people) while `load` said `written`. Generated
 * ids now carry a namespace (packages/generator); and the loader refuses a load that would leave a
 * household with two heads or one ID number for two people, against what is stored as well as
 * within the file, naming the lines, with nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_GENERATION, generate, generationNamespace } from '@saf/generator';
import { makeResidentId } from '@saf/identity';
import type { InterchangeRecord } from '@saf/interchange';
import { loadFile, type LoadResult } from '@saf/loader';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

const DEMO_SIZE = 60;
/** A small file standing for the demo: its ids have no namespace, as the demo's do. */
const demoLike = () => [...generate({ ...DEMO_GENERATION, households: DEMO_SIZE })].map((r) => stripNamespace(r, generationNamespace({ ...DEMO_GENERATION, households: DEMO_SIZE })));

/** A record with its generation's namespace taken out of its ids: what `npm run generate` wrote before. */
function stripNamespace(record: InterchangeRecord, namespace: string): InterchangeRecord {
  const strip = (id: string) => id.replace(`-${namespace}-`, '').replace(`${namespace}-`, '');
  const r = { ...record } as Record<string, unknown>;
  for (const key of ['id', 'householdId']) if (typeof r[key] === 'string') r[key] = strip(r[key] as string);
  return r as unknown as InterchangeRecord;
}

describe('loading generated data beside the demo', () => {
  let system: System;
  let demo: InterchangeRecord[];

  beforeAll(async () => {
    system = await startSystem();
    demo = demoLike();
    expect(await loadFile(await writeNdjson(demo), system.loadOptions)).toMatchObject({ ok: true });
  });
  afterAll(() => system?.stop());

  const load = async (records: object[]): Promise<LoadResult> => loadFile(await writeNdjson(records), system.loadOptions);

  async function members(householdId: string): Promise<{ id: string; relation: string }[]> {
    const res = await system.query('query ($id: ID!) { household(id: $id) { members { id relation } } }', { id: householdId });
    expect(res.errors).toBeUndefined();
    return res.data!.household?.members ?? [];
  }

  it('loads a generated file beside it: no id shared, every household one head', async () => {
    const other = [...generate({ households: 30, seed: 'beside-the-demo' })];
    expect(await load(other)).toMatchObject({ ok: true });
    const first = demo.find((r) => r.type === 'household')!;
    const heads = (await members(first.id)).filter((m) => m.relation === 'HEAD');
    expect(heads).toHaveLength(1);
  });

  it('refuses a file whose ids clash with the stored ones (as generated files did), naming the lines, and writes nothing', async () => {
    const options = { households: 20, seed: 'clashing' };
    const clashing = [...generate(options)].map((r) => stripNamespace(r, generationNamespace(options)));
    const result = await load(clashing);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const firstHousehold = clashing.findIndex((r) => r.type === 'household');
    const head = clashing.findIndex((r, i) => i > firstHousehold && r.type === 'person' && r.relation === 'HEAD');
    expect(result.errors).toContainEqual({ line: head + 1, field: 'relation', message: expect.stringMatching(new RegExp(`^household ${clashing[firstHousehold]!.id} would have two heads \\(户主\\): ${clashing[head]!.id} here and \\d{17}[\\dX], registered with civil affairs as its head`)) });
    // Nothing of it: the demo's household keeps its members, the file's persons are not registered.
    const demoMembers = demo.filter((r) => r.type === 'person' && r.householdId === clashing[firstHousehold]!.id).map((r) => r.id).sort();
    expect((await members(clashing[firstHousehold]!.id)).map((m) => m.id).sort()).toEqual(demoMembers);
    const res = await system.query('query ($id: ID!) { person(id: $id) { id } }', { id: clashing[head]!.id });
    expect(res.data!.person).toBeNull();
  });

  it('refuses an ID number registered for someone else in another household', async () => {
    const registered = demo.find((r): r is Extract<InterchangeRecord, { type: 'person' }> => r.type === 'person' && r.relation === 'CHILD')!;
    const household = { type: 'household', id: 'H654002-TEST-000001', regionCode: '654002', hukou: 'URBAN', address: '伊宁市' };
    const head = { ...registered, id: registered.id, name: '另一个人', householdId: household.id, relation: 'HEAD' };
    const result = await load([household, head]);
    expect(result).toEqual({
      ok: false,
      errors: [{ line: 2, field: 'id', message: `person ${registered.id} is registered with civil affairs as ${registered.name} in household ${registered.householdId}; this line names 另一个人 in ${household.id}: one ID number for two people (ids clashing with data already loaded?)` }],
    });
    expect((await members(registered.householdId)).map((m) => m.id)).toContain(registered.id);
    // The same person (registered name) moving to the new household is a move: allowed.
    expect(await load([household, { ...head, name: registered.name }])).toMatchObject({ ok: true });
    expect((await members(household.id)).map((m) => m.id)).toEqual([registered.id]);
  });

  it('refuses two heads for one household within the file, and replacing a registered head is allowed', async () => {
    const household = { type: 'household', id: 'H654002-TEST-000002', regionCode: '654002', hukou: 'URBAN', address: '伊宁市' };
    const a = { type: 'person', id: makeResidentId('654002', '1990-01-01', 11), name: '甲', gender: 'MALE', birthDate: '1990-01-01', householdId: household.id, relation: 'HEAD', deathDate: null };
    const b = { type: 'person', id: makeResidentId('654002', '1992-01-01', 22), name: '乙', gender: 'FEMALE', birthDate: '1992-01-01', householdId: household.id, relation: 'HEAD', deathDate: null };
    const both = await load([household, a, b]);
    expect(both).toEqual({ ok: false, errors: [{ line: 3, field: 'relation', message: `household ${household.id} would have two heads (户主): ${b.id} here and person ${a.id} on line 2; a household has one head` }] });
    expect(await members(household.id)).toEqual([]);
    expect(await load([household, a])).toMatchObject({ ok: true });
    // A second head beside the registered one is refused; the registered one made a spouse in the same file is a change of head.
    const second = await load([b]);
    expect(second).toEqual({ ok: false, errors: [{ line: 1, field: 'relation', message: `household ${household.id} would have two heads (户主): ${b.id} here and ${a.id}, registered with civil affairs as its head; a household has one head` }] });
    expect(await load([b, { ...a, relation: 'SPOUSE' }])).toMatchObject({ ok: true });
    expect((await members(household.id)).map((m) => `${m.id}:${m.relation}`)).toEqual([`${b.id}:HEAD`, `${a.id}:SPOUSE`]);
  });
});
