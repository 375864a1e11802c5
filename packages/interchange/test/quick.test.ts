import { describe, expect, it } from 'vitest';
import { createGeneration } from '@saf/generator';
import { makeResidentId } from '@saf/identity';
import {
  householdRecord, personRecord, awardRecord, disabilityCertificateRecord, incomeRecord, propertyRecord, standardRecord, validateRecord, type InterchangeRecord,
} from '../src/index.ts';
import { quickRecord } from '../src/quick.ts';

const schemas = {
  household: householdRecord, person: personRecord, award: awardRecord, disabilityCertificate: disabilityCertificateRecord,
  income: incomeRecord, property: propertyRecord, standard: standardRecord,
} as const;

/** What the schemas make of `value`: the record, or null when they refuse it. */
function bySchemas(value: Record<string, unknown>): unknown {
  const schema = schemas[value.type as keyof typeof schemas];
  if (!schema) return null;
  const result = schema.safeParse(value);
  return result.success ? result.data : null;
}

const generated: InterchangeRecord[] = [...createGeneration({ households: 400, seed: 'quick' }).records];
// Fewer of the flat records of SPEC section 10 (MEANS_TYPES): they have no nested fields or cross-checks to vary.
const sample = (type: string) => generated.filter((r) => r.type === type).slice(0, ['income', 'property', 'standard'].includes(type) ? 8 : 40);

const otherId = makeResidentId('654002', '1990-03-15', 12);
/** Values that spoil some field or other; each is tried in every field of every sampled record. */
const spoilers: unknown[] = [
  undefined, null, '', ' ', 0, -1, 1.5, 5, 2 ** 31, Number.NaN, true, [], {}, [1], { a: 1 },
  ' padded', 'padded ', '\u3000全角空格', 'x'.repeat(65), 'x'.repeat(101), 'x'.repeat(501),
  '2024-02-30', '2023-02-29', '2024-2-1', '1800-01-01', '2999-01-01', '0000-00-00', '2024-01-01T00:00:00Z',
  '6540', '65400', '654002001', '654002001001', 'abcdef', otherId, `${otherId.slice(0, 17)}x`, `${otherId.slice(0, 17)}0`,
  'MALE', 'FEMALE', 'HEAD', 'COUSIN', 'URBAN', 'CIVIL_AFFAIRS', 'JUSTICE', 'LEGAL_AID', 'MINIMUM_LIVING_URBAN', 'MONTHLY', 'PAID', 'ACTIVE',
  'PHYSICAL', 'household', 'person', 'award', 'disabilityCertificate',
  JSON.parse('{"__proto__":{"polluted":true}}'),
];

/** More that spoil the records of SPEC section 10 (their departments, enums, areas, prefixes), tried on those. */
const MEANS_TYPES = ['income', 'property', 'standard'];
const meansSpoilers: unknown[] = [
  'income', 'property', 'standard', 'LABOUR', 'HOUSING', 'WAGE', 'RESIDENTIAL', 'EXTREME_POVERTY_DISPERSED', 'TEMPORARY_ASSISTANCE', 85.555, 0.001, 1e10, '85.5', '65',
];

/** The fast path agrees: it answers what the schemas answer, or defers (null). */
function agrees(value: Record<string, unknown>, label: string): void {
  const quick = quickRecord(value);
  if (quick === null) return;
  expect(bySchemas(value), `${label}: accepted quickly but refused by the schemas`).not.toBeNull();
  expect(quick, label).toEqual(bySchemas(value));
}

describe('quickRecord', () => {
  it('accepts every generated record, as the schemas make it', () => {
    expect(new Set(generated.map((r) => r.type))).toEqual(new Set(Object.keys(schemas)));
    for (const record of generated) {
      const value = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
      expect(quickRecord(value), JSON.stringify(record)).toEqual(bySchemas(value));
    }
    // Awards sent without details get the schemas' default.
    const award = JSON.parse(JSON.stringify(sample('award')[0])) as Record<string, unknown>;
    delete award.details;
    expect(quickRecord(award)).toEqual(bySchemas(award));
    expect(quickRecord(award)).toMatchObject({ details: {} });
  });

  it('never accepts a record the schemas refuse, whatever field is spoiled and however', () => {
    let refused = 0;
    for (const type of Object.keys(schemas)) {
      for (const record of sample(type)) {
        const base = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
        for (const field of [...Object.keys(base), 'extra', '__proto__']) {
          const without = { ...base };
          delete without[field];
          agrees(without, `${type} without ${field}`);
          for (const spoiler of MEANS_TYPES.includes(type) ? [...spoilers, ...meansSpoilers] : spoilers) {
            const value = { ...base };
            Object.defineProperty(value, field, { value: spoiler, enumerable: true, writable: true, configurable: true });
            agrees(value, `${type}.${field} = ${JSON.stringify(spoiler)}`);
            if (bySchemas(value) === null) refused++;
          }
        }
      }
    }
    // The spoilers do spoil: most of them are refused.
    expect(refused).toBeGreaterThan(10_000);
    // Tens of thousands of records through both checkers: seconds on a busy two-core host, not a
    // measurement (the bench measures the loader), so more than vitest's default 5 s.
  }, 60_000);

  it('defers to the schemas for what is not a plain object', () => {
    for (const value of [null, 1, 'x', [], [generated[0]], new Map(), Object.create(null)]) expect(quickRecord(value)).toBeNull();
  });

  it('leaves the naming of errors to the schemas', () => {
    const person = JSON.parse(JSON.stringify(sample('person')[0])) as Record<string, unknown>;
    expect(validateRecord({ ...person, name: ' 阿依古丽' }, 3)).toMatchObject({ ok: true, record: { name: '阿依古丽' } });
    expect(validateRecord({ ...person, gender: person.gender === 'MALE' ? 'FEMALE' : 'MALE' }, 3)).toMatchObject({ ok: false, errors: [{ line: 3, field: 'gender' }] });
  });
});
