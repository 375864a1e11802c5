import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES, envPrefix } from '@saf/config';
import { makeResidentId } from '@saf/identity';
import { loadFile } from '@saf/loader';
import { householdWithEverything } from './support/fixture.ts';
import { writeNdjson } from './support/files.ts';
import { startSystem, type System } from './support/system.ts';

const run = promisify(execFile);

/** A person's line with the name replaced by 张三 in GBK bytes (D5C5 C8FD). */
function gbkName(person: { name: string }): Buffer {
  const [before, after] = JSON.stringify(person).split(JSON.stringify(person.name));
  return Buffer.concat([Buffer.from(`${before}"`), Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]), Buffer.from(`"${after}`)]);
}

describe('npm run load', () => {
  let system: System;
  let n = 10;

  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(() => system?.stop());

  async function householdExists(id: string): Promise<boolean> {
    const res = await system.query('query ($id: ID!) { household(id: $id) { id } }', { id });
    return res.data?.household !== null;
  }

  async function awardsOf(personId: string): Promise<string[]> {
    const res = await system.query('query ($id: ID!) { person(id: $id) { awards { id } } }', { id: personId });
    return (res.data?.person?.awards ?? []).map((a: { id: string }) => a.id);
  }

  /** A valid household file with one line replaced or added: everything must be refused. */
  const cases: [string, (f: ReturnType<typeof householdWithEverything>) => (object | string | Buffer)[], { line: number; field: string; message: RegExp }][] = [
    ['a bad ID check digit', (f) => [...f.records.slice(0, 1), { ...(f.records[1] as object), id: `${(f.records[1] as { id: string }).id.slice(0, 17)}${(f.records[1] as { id: string }).id.endsWith('0') ? '1' : '0'}` }, ...f.records.slice(2)], { line: 2, field: 'id', message: /check character/ }],
    ['a birth date that disagrees with the ID', (f) => [f.records[0]!, { ...(f.records[1] as object), birthDate: '1971-05-01' }, ...f.records.slice(2)], { line: 2, field: 'birthDate', message: /disagrees with the ID/ }],
    ['a gender that disagrees with the ID', (f) => [f.records[0]!, { ...(f.records[1] as object), gender: 'FEMALE' }, ...f.records.slice(2)], { line: 2, field: 'gender', message: /disagrees/ }],
    ['an unknown programme', (f) => [...f.records, { ...(f.records[5] as object), id: 'X-1', programme: 'FREE_MONEY' }], { line: 14, field: 'programme', message: /unknown programme FREE_MONEY/ }],
    ['a programme of another department', (f) => [...f.records, { ...(f.records[5] as object), id: 'X-2', programme: 'LEGAL_AID' }], { line: 14, field: 'programme', message: /belongs to JUSTICE/ }],
    ['a negative amount', (f) => [...f.records, { ...(f.records[5] as object), id: 'X-3', amountFen: -100 }], { line: 14, field: 'amountFen', message: /negative/ }],
    ['an end before the start', (f) => [...f.records, { ...(f.records[5] as object), id: 'X-4', endDate: '2023-12-31' }], { line: 14, field: 'endDate', message: /before startDate/ }],
    ['malformed JSON', (f) => [...f.records, '{"type":"award",'], { line: 14, field: '(line)', message: /malformed JSON/ }],
    // The person's name saved as GBK (a common export encoding), the rest of the file UTF-8.
    ['a line that is not UTF-8', (f) => [f.records[0]!, gbkName(f.records[1] as { name: string }), ...f.records.slice(2)], { line: 2, field: '(line)', message: /not valid UTF-8/ }],
    ['an unknown record type', (f) => [...f.records, { type: 'pet', id: 'P1' }], { line: 14, field: 'type', message: /must be one of/ }],
    ['a missing field', (f) => [...f.records, { ...(f.records[5] as object), id: 'X-5', startDate: undefined }], { line: 14, field: 'startDate', message: /.+/ }],
    ['an unknown field', (f) => [...f.records, { ...(f.records[5] as object), id: 'X-6', amountYuan: 5 }], { line: 14, field: '(line)', message: /unknown field/ }],
    ['the same record twice', (f) => [...f.records, f.records[5]!], { line: 14, field: 'id', message: /already on line 6/ }],
    ['a person of an unknown household', (f) => [...f.records, { ...(f.records[1] as object), id: makeResidentId('654002', '1970-05-01', 999), name: '李四', householdId: 'H-NOWHERE' }], { line: 14, field: 'householdId', message: /neither in the file nor registered/ }],
    ['an award to an unknown person', (f) => [...f.records, { ...(f.records[5] as object), id: 'X-7', personId: makeResidentId('654002', '1990-01-01', 997) }], { line: 14, field: 'personId', message: /neither in the file nor registered/ }],
    ['details a department refuses', (f) => [...f.records, { ...(f.records[6] as object), id: 'X-8', details: { position: 42 } }], { line: 14, field: 'details.position', message: /.+/ }],
  ];

  it.each(cases)('refuses a file with %s, naming line and field, and writes nothing', async (_name, build, expected) => {
    const fixture = householdWithEverything(++n);
    const result = await loadFile(await writeNdjson(build(fixture)), system.loadOptions);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual(expect.objectContaining({ line: expected.line, field: expected.field, message: expect.stringMatching(expected.message) }));
    expect(await householdExists(fixture.householdId)).toBe(false);
    expect(await awardsOf(fixture.persons.elder)).toEqual([]);
  });

  it('loads a good file, and loading it again changes nothing', async () => {
    const fixture = householdWithEverything(++n);
    const file = await writeNdjson(fixture.records);
    const first = await loadFile(file, system.loadOptions);
    expect(first).toMatchObject({ ok: true, records: 13, counts: { CIVIL_AFFAIRS: { household: 1, person: 4, award: 1 }, LABOUR: { award: 1 } } });
    const second = await loadFile(file, system.loadOptions);
    expect(second).toMatchObject({ ok: true, counts: { CIVIL_AFFAIRS: { household: 0, person: 0, award: 0 }, LABOUR: { award: 0 } } });
    expect((await awardsOf(fixture.persons.elder)).sort()).toEqual([`DP-${n}-SEVERE_DISABILITY_NURSING_SUBSIDY`, `HE-${n}-MEDICAL_ASSISTANCE_INPATIENT`]);
  });

  it('accepts awards that refer to persons registered by an earlier load', async () => {
    const fixture = householdWithEverything(++n);
    expect(await loadFile(await writeNdjson(fixture.records.slice(0, 5)), system.loadOptions)).toMatchObject({ ok: true });
    expect(await loadFile(await writeNdjson(fixture.records.slice(5)), system.loadOptions)).toMatchObject({ ok: true });
    expect(await awardsOf(fixture.persons.head)).toHaveLength(2);
  });

  it('as a command: exits non-zero with the errors, and 0 with a summary', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
    for (const [name, s] of system.subgraphs) env[`${envPrefix(name)}_URL`] = s.url;
    expect(SERVICES.every((s) => env[`${envPrefix(s.name)}_URL`])).toBe(true);
    const fixture = householdWithEverything(++n);
    const bad = await writeNdjson([...fixture.records, '{oops']);
    const failed = await run(process.execPath, ['--import', 'tsx', 'scripts/load.ts', bad], { env }).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('line 14: (line): malformed JSON');
    expect(failed.stderr).toContain('nothing was loaded');
    const ok = await run(process.execPath, ['--import', 'tsx', 'scripts/load.ts', await writeNdjson(fixture.records)], { env });
    expect(ok.stdout).toMatch(/loaded 13 records/);
    expect(await householdExists(fixture.householdId)).toBe(true);
  });
});
