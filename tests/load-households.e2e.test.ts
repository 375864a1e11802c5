/**
 * Issue 25, hole 12: an award paid for a household is paid to one of its members. The loader
 * refuses an award whose household is not its person's, naming the line and the field, whether
 * the person is in the file (before or after the award) or already registered with civil affairs;
 * nothing of the file is written. An award with no household stays allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFile, type LoadResult } from '@saf/loader';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

type Fixture = ReturnType<typeof householdWithEverything>;
const household = (f: Fixture) => f.records[0] as { id: string };
/** The fixture's civil-affairs award (line 6 of its file): the head's 低保, for the fixture's household. */
const award = (f: Fixture) => f.records[5] as { id: string; personId: string; householdId: string | null };

describe('an award’s household must be its person’s', () => {
  let system: System;
  let n = 40;

  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(() => system?.stop());

  const load = async (records: object[]): Promise<LoadResult> => loadFile(await writeNdjson(records), system.loadOptions);

  async function awardsOf(personId: string): Promise<string[]> {
    const res = await system.query('query ($id: ID!) { person(id: $id) { awards { id } } }', { id: personId });
    expect(res.errors).toBeUndefined();
    return res.data!.person.awards.map((a: { id: string }) => a.id).sort();
  }

  async function householdExists(id: string): Promise<boolean> {
    const res = await system.query('query ($id: ID!) { household(id: $id) { id } }', { id });
    return res.data?.household != null;
  }

  function refused(result: LoadResult, line: number, message: RegExp): void {
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual({ line, field: 'householdId', message: expect.stringMatching(message) });
  }

  it('refuses it when the person is in the file, after the award or before it, and writes nothing', async () => {
    const mine = householdWithEverything(++n);
    const other = householdWithEverything(++n);
    // The head's award, paid for the other household of the file.
    const wrong = { ...award(mine), id: `CA-${n}-WRONG`, householdId: household(other).id };
    const after = await load([...mine.records, ...other.records, wrong]);
    refused(after, 27, new RegExp(`household ${household(other).id} is not the household of person ${mine.persons.head}, who is in ${household(mine).id} on line 2`));
    const before = await load([wrong, ...mine.records, ...other.records]);
    refused(before, 1, new RegExp(`who is in ${household(mine).id} on line 3`));
    expect(await householdExists(household(mine).id)).toBe(false);
    expect(await householdExists(household(other).id)).toBe(false);
  });

  it('refuses it when the person is registered with civil affairs, in the file’s household or another registered one', async () => {
    const registered = householdWithEverything(++n);
    const other = householdWithEverything(++n);
    expect(await load([...registered.records, ...other.records])).toMatchObject({ ok: true });
    const before = await awardsOf(registered.persons.head);
    const newcomer = householdWithEverything(++n);
    const toNew = { ...award(registered), id: `CA-${n}-NEW`, householdId: household(newcomer).id };
    refused(await load([...newcomer.records, toNew]), 14, new RegExp(`household ${household(newcomer).id} is not the household of person ${registered.persons.head}, who is registered with civil affairs in ${household(registered).id}`));
    expect(await householdExists(household(newcomer).id)).toBe(false);
    const toOther = { ...award(registered), id: `CA-${n}-OTHER`, householdId: household(other).id };
    refused(await load([toOther]), 1, new RegExp(`registered with civil affairs in ${household(registered).id}`));
    expect(await awardsOf(registered.persons.head)).toEqual(before);
  });

  it('accepts the person’s own household, no household, and a household the file moves the person to', async () => {
    const registered = householdWithEverything(++n);
    expect(await load(registered.records)).toMatchObject({ ok: true });
    const before = await awardsOf(registered.persons.head);
    const own = { ...award(registered), id: `CA-${n}-OWN` };
    const none = { ...award(registered), id: `CA-${n}-NONE`, householdId: null };
    expect(await load([own, none])).toMatchObject({ ok: true });
    // The file registers the head in a new household: its award for that household is right.
    const moved = householdWithEverything(++n);
    const head = { ...(registered.records[1] as object), householdId: household(moved).id };
    const there = { ...award(registered), id: `CA-${n}-MOVED`, householdId: household(moved).id };
    expect(await load([household(moved), head, there])).toMatchObject({ ok: true });
    expect(await awardsOf(registered.persons.head)).toEqual([...before, `CA-${n - 1}-NONE`, `CA-${n - 1}-OWN`, `CA-${n}-MOVED`].sort());
  });
});
