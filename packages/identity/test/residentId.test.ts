import { describe, expect, it } from 'vitest';
import { checkCharacter, isValidIsoDate, makeResidentId, parseResidentId } from '../src/index.ts';

describe('parseResidentId', () => {
  // 11010519491231002X is the example of GB 11643-1999 itself.
  it('accepts the standard example with check character X', () => {
    const parsed = parseResidentId('11010519491231002X');
    expect(parsed).toEqual({ ok: true, value: { id: '11010519491231002X', regionCode: '110105', birthDate: '1949-12-31', gender: 'FEMALE' } });
  });

  it('reads gender from the parity of the sequence', () => {
    const male = makeResidentId('654002', '1990-03-15', 1);
    const female = makeResidentId('654002', '1990-03-15', 2);
    expect(parseResidentId(male)).toMatchObject({ ok: true, value: { gender: 'MALE' } });
    expect(parseResidentId(female)).toMatchObject({ ok: true, value: { gender: 'FEMALE' } });
  });

  it('keeps historical region codes valid (652401 was Yining city until 2001)', () => {
    expect(parseResidentId(makeResidentId('652401', '1975-06-01', 13)).ok).toBe(true);
  });

  it.each([
    ['11010519491231002x', 'upper case'],
    ['110105194912310021', 'check character is 1, expected X'],
    ['1101051949123100', 'must be 18 characters'],
    ['99010519491231002X', 'names no province'],
    ['11010519490230002X', 'not a valid date'],
    ['1101051949123100AX', 'must be 17 digits'],
  ])('rejects %s (%s)', (id, message) => {
    const parsed = parseResidentId(id);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(message);
  });

  it('rejects a birth date in the future', () => {
    const id = makeResidentId('654002', '2030-01-01', 1);
    expect(parseResidentId(id, '2026-11-28')).toMatchObject({ ok: false });
  });

  it('computes ISO 7064 MOD 11-2 for every remainder', () => {
    const seen = new Set<string>();
    for (let seq = 0; seq < 200; seq++) seen.add(checkCharacter(`65400219900315${String(seq).padStart(3, '0')}`));
    expect([...seen].sort().join('')).toBe('0123456789X');
  });
});

describe('isValidIsoDate', () => {
  /** What `Date` says: the definition the arithmetic version must agree with. */
  const byDate = (value: string) => {
    const date = new Date(`${value}T00:00:00Z`);
    return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
  };

  it('agrees with Date on every day of leap and common years, and on the days just past each month', () => {
    for (const year of [1900, 1999, 2000, 2023, 2024, 2100]) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const value = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          expect(isValidIsoDate(value), value).toBe(byDate(value));
        }
      }
    }
  });

  it('refuses anything not written YYYY-MM-DD', () => {
    for (const value of ['2024-1-01', '2024/01/01', '20240101', '2024-01-01T00:00:00Z', ' 2024-01-01', '2024-0a-01', '２０２４-01-01', '']) {
      expect(isValidIsoDate(value), value).toBe(false);
    }
    expect(isValidIsoDate('2024-02-29')).toBe(true);
    expect(isValidIsoDate('2023-02-29')).toBe(false);
  });
});
