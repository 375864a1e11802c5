import { describe, expect, it } from 'vitest';
import { makeResidentId } from '@saf/identity';
import { identityOf, ownerOf, validateLine, validateRecord } from '../src/index.ts';

const personId = makeResidentId('654002', '1990-03-15', 11);
const person = { type: 'person', id: personId, name: '阿依古丽·买买提', gender: 'MALE', birthDate: '1990-03-15', householdId: 'H1', relation: 'HEAD', deathDate: null };
const award = {
  type: 'award', id: 'CA-1', department: 'CIVIL_AFFAIRS', programme: 'MINIMUM_LIVING_URBAN', personId, householdId: 'H1', regionCode: '654002',
  amountFen: 56000, frequency: 'MONTHLY', startDate: '2024-01-01', endDate: null, status: 'ACTIVE', details: {},
};

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
});
