import { describe, expect, it } from 'vitest';
import { makeResidentId } from '@saf/identity';
import { identityOf, ownerOf, validateLine, validateRecord } from '../src/index.ts';

const personId = makeResidentId('654002', '1990-03-15', 11);
const person = { type: 'person', id: personId, name: '阿依古丽·买买提', gender: 'MALE', birthDate: '1990-03-15', householdId: 'H1', relation: 'HEAD', deathDate: null };
const award = {
  type: 'award', id: 'CA-1', department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_URBAN', personId, householdId: 'H1', regionCode: '654002',
  amountFen: 56000, frequency: 'MONTHLY', startDate: '2024-01-01', endDate: null, status: 'ACTIVE', details: {},
};

// The examples of SPEC section 10.
const income = { type: 'income', id: 'RS-INC-1', department: 'LABOUR', personId, source: 'WAGE', monthlyFen: 210000, startDate: '2024-01-01', endDate: null };
const property = { type: 'property', id: 'ZJ-PR-1', department: 'HOUSING', personId, kind: 'RESIDENTIAL', areaSqm: 85.5, acquiredDate: '2019-05-01', disposedDate: null };
const standard = { type: 'standard', id: 'MZ-STD-1', department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_URBAN', regionCode: '654002', monthlyFen: 65000, startDate: '2025-01-01', endDate: null };

function errorsOf(value: unknown) {
  const result = validateRecord(value, 7);
  return result.ok ? [] : result.errors;
}

describe('interchange records', () => {
  it('accepts the examples of the specification', () => {
    expect(validateRecord({ type: 'household', id: 'H654002000001', regionCode: '654002', hukou: 'URBAN', address: '…' }, 1).ok).toBe(true);
    expect(validateRecord(person, 2).ok).toBe(true);
    expect(validateRecord(award, 3).ok).toBe(true);
    expect(validateRecord({ type: 'disabilityCertificate', id: 'DPF-77', personId, category: 'PHYSICAL', grade: 2, issuedDate: '2020-05-01', validUntil: null }, 4).ok).toBe(true);
    for (const record of [income, property, standard]) expect(validateRecord(record, 5), record.type).toEqual({ ok: true, record });
  });

  it('accepts the edges of the new records: no end date, a zero income, areas to the hundredth, a standard for a prefecture or a township', () => {
    const { endDate: _, ...openEnded } = income;
    expect(validateRecord(openEnded, 1).ok).toBe(true);
    expect(validateRecord({ ...income, monthlyFen: 0, endDate: '2024-01-01' }, 1).ok).toBe(true);
    for (const areaSqm of [0.01, 12.34, 120, 9_999_999_999.99]) expect(validateRecord({ ...property, areaSqm }, 1).ok, String(areaSqm)).toBe(true);
    for (const regionCode of ['6540', '654002100', '65']) expect(validateRecord({ ...standard, regionCode }, 1).ok, regionCode).toBe(true);
    for (const programme of ['MINIMUM_LIVING_RURAL', 'EXTREME_POVERTY_CENTRALIZED', 'EXTREME_POVERTY_DISPERSED']) expect(validateRecord({ ...standard, programme }, 1).ok, programme).toBe(true);
  });

  it.each([
    [{ ...income, department: 'HOUSING' }, 'department', /income records belong to LABOUR/],
    [{ ...income, department: 'LABOR' }, 'department', /.+/],
    [{ ...income, personId: `${personId.slice(0, 17)}${personId.endsWith('1') ? '2' : '1'}` }, 'personId', /check character/],
    [{ ...income, source: 'SALARY' }, 'source', /.+/],
    [{ ...income, monthlyFen: -100 }, 'monthlyFen', /negative/],
    [{ ...income, monthlyFen: 2100.5 }, 'monthlyFen', /integer/],
    [{ ...income, monthlyFen: '210000' }, 'monthlyFen', /.+/],
    [{ ...income, startDate: '2024-13-01' }, 'startDate', /date/],
    [{ ...income, endDate: '2023-12-31' }, 'endDate', /before startDate/],
    [{ ...income, id: '' }, 'id', /empty/],
    [{ ...income, employer: '某公司' }, '(line)', /unknown field\(s\) employer/],
    [{ ...property, department: 'CIVIL_AFFAIRS' }, 'department', /property records belong to HOUSING/],
    [{ ...property, kind: 'HOUSE' }, 'kind', /.+/],
    [{ ...property, areaSqm: 0 }, 'areaSqm', /positive area/],
    [{ ...property, areaSqm: -85.5 }, 'areaSqm', /positive area/],
    [{ ...property, areaSqm: 85.555 }, 'areaSqm', /at most 2 decimals/],
    [{ ...property, areaSqm: '85.5' }, 'areaSqm', /.+/],
    [{ ...property, areaSqm: 1e10 }, 'areaSqm', /at most/],
    [{ ...property, acquiredDate: '2019-02-29' }, 'acquiredDate', /date/],
    [{ ...property, disposedDate: '2019-04-30' }, 'disposedDate', /before acquiredDate/],
    [{ ...standard, department: 'LABOUR' }, 'department', /standard records belong to CIVIL_AFFAIRS/],
    [{ ...standard, programme: 'TEMPORARY_ASSISTANCE' }, 'programme', /TEMPORARY_ASSISTANCE has no standard/],
    [{ ...standard, programme: 'UNEMPLOYMENT_INSURANCE' }, 'programme', /has no standard: standards are set for MINIMUM_LIVING_URBAN, MINIMUM_LIVING_RURAL, EXTREME_POVERTY_CENTRALIZED, EXTREME_POVERTY_DISPERSED/],
    [{ ...standard, programme: 'DIBAO' }, 'programme', /unknown programme DIBAO/],
    [{ ...standard, regionCode: '65400' }, 'regionCode', /region code prefix/],
    [{ ...standard, monthlyFen: -1 }, 'monthlyFen', /negative/],
    [{ ...standard, monthlyFen: 2 ** 31 }, 'monthlyFen', /at most/],
    [{ ...standard, endDate: '2024-12-31' }, 'endDate', /before startDate/],
  ])('names the field at fault in a new record (%#)', (record, field, message) => {
    expect(errorsOf(record)).toContainEqual({ line: 7, field, message: expect.stringMatching(message) });
  });

  it.each([
    [{ ...award, amountFen: -1 }, 'amountFen', /negative/],
    [{ ...award, amountFen: 1.5 }, 'amountFen', /integer/],
    [{ ...award, amountFen: 2 ** 31 }, 'amountFen', /at most/],
    [{ ...award, programme: 'LEGAL_AID' }, 'programme', /belongs to JUSTICE/],
    [{ ...award, programme: 'X' }, 'programme', /unknown programme/],
    [{ ...award, endDate: '2023-01-01' }, 'endDate', /before startDate/],
    [{ ...award, startDate: '2024-02-30' }, 'startDate', /date/],
    [{ ...award, regionCode: '6540' }, 'regionCode', /region code/],
    [{ ...award, status: 'PAID' }, 'status', /.+/],
    [{ ...person, birthDate: '1990-03-16' }, 'birthDate', /disagrees with the ID/],
    [{ ...person, gender: 'FEMALE' }, 'gender', /disagrees with the ID/],
    [{ ...person, id: `${personId.slice(0, 17)}${personId.endsWith('1') ? '2' : '1'}` }, 'id', /check character/],
    [{ ...person, deathDate: '1980-01-01' }, 'deathDate', /before the birth date/],
    [{ ...person, relation: 'COUSIN' }, 'relation', /.+/],
    [{ type: 'disabilityCertificate', id: 'D', personId, category: 'PHYSICAL', grade: 5, issuedDate: '2020-01-01' }, 'grade', /1 \(most severe\) to 4/],
  ])('names the field at fault (%#)', (record, field, message) => {
    expect(errorsOf(record)).toContainEqual({ line: 7, field, message: expect.stringMatching(message) });
  });

  it('reports malformed JSON and unknown types on the line', () => {
    expect(validateLine('{"type":', 3)).toEqual({ ok: false, errors: [expect.objectContaining({ line: 3, field: '(line)', message: expect.stringMatching(/malformed JSON/) })] });
    expect(validateLine('[1]', 4)).toMatchObject({ ok: false, errors: [{ field: '(line)' }] });
    expect(validateLine('{"type":"cat"}', 5)).toMatchObject({ ok: false, errors: [{ field: 'type' }] });
  });

  it('refuses the character U+0000 anywhere, naming the field, since the database cannot store it', () => {
    expect(validateLine(JSON.stringify({ ...person, name: '阿依\u0000古丽' }), 2)).toEqual({ ok: false, errors: [{ line: 2, field: 'name', message: expect.stringMatching(/U\+0000/) }] });
    expect(errorsOf({ ...award, details: { note: ['ok', 'x\u0000'] } })).toEqual([expect.objectContaining({ field: 'details.note.1' })]);
    expect(errorsOf({ ...award, details: { ['a\u0000']: 1 } })).toEqual([expect.objectContaining({ field: 'details.a\u0000' })]);
    // The escape written out as text is no NUL.
    expect(validateRecord({ ...person, name: '阿依\\u0000' }, 1).ok).toBe(true);
  });

  it('routes records to their department and keys awards by department', () => {
    const r = validateRecord(award, 1);
    if (!r.ok) throw new Error('expected valid');
    expect(ownerOf(r.record)).toBe('CIVIL_AFFAIRS');
    expect(identityOf(r.record)).toBe('award:CIVIL_AFFAIRS:CA-1');
  });

  it('routes incomes to labour, properties to housing and standards to civil affairs, each keyed by its type', () => {
    const owners = [income, property, standard].map((value) => {
      const r = validateRecord(value, 1);
      if (!r.ok) throw new Error(`expected valid: ${JSON.stringify(r.errors)}`);
      return [ownerOf(r.record), identityOf(r.record)];
    });
    expect(owners).toEqual([
      ['LABOUR', 'income:RS-INC-1'],
      ['HOUSING', 'property:ZJ-PR-1'],
      ['CIVIL_AFFAIRS', 'standard:MZ-STD-1'],
    ]);
  });
});
