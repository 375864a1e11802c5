import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { DEPARTMENTS, departments, enumsSDL, programme, programmes, programmesOf } from '../src/index.ts';

// SPEC section 3, as a table to check the data against.
const REPEATABLE = ['TEMPORARY_ASSISTANCE', 'DISASTER_RELIEF', 'TRAINING_SUBSIDY', 'JOB_PLACEMENT_SUBSIDY', 'MEDICAL_ASSISTANCE_INPATIENT', 'MEDICAL_ASSISTANCE_OUTPATIENT', 'SCHOLARSHIP', 'LEGAL_AID', 'REHABILITATION_AID'];
const COUNTS = { CIVIL_AFFAIRS: 8, LABOUR: 5, HEALTH: 3, EDUCATION: 5, HOUSING: 4, JUSTICE: 1, DISABLED_PERSONS_FEDERATION: 3 };

describe('the programme catalogue', () => {
  it('lists the seven departments in port order', () => {
    expect(departments.map((d) => d.code)).toEqual([...DEPARTMENTS]);
  });

  it('gives every programme exactly one known department', () => {
    for (const p of programmes) expect(DEPARTMENTS).toContain(p.department);
    expect(new Set(programmes.map((p) => p.code)).size).toBe(programmes.length);
    for (const [dept, count] of Object.entries(COUNTS)) expect(programmesOf(dept as (typeof DEPARTMENTS)[number])).toHaveLength(count);
  });

  it('marks exactly the repeatable programmes of the specification', () => {
    expect(programmes.filter((p) => p.repeatable).map((p) => p.code).sort()).toEqual([...REPEATABLE].sort());
  });

  it('names every programme in Chinese and English', () => {
    for (const p of programmes) {
      expect(p.nameZh).toMatch(/[\u4e00-\u9fff]/);
      expect(p.nameEn).toMatch(/^[A-Z]/);
    }
    expect(programme('MINIMUM_LIVING_URBAN')?.nameZh).toBe('城市居民最低生活保障');
    expect(programme('NOPE')).toBeUndefined();
  });

  it('renders the enums every subgraph shares as valid SDL', () => {
    const schema = buildSchema(`${enumsSDL}\ntype Query { p: Programme d: Department }`);
    const values = (schema.getType('Programme') as unknown as { getValues(): { name: string }[] }).getValues().map((v) => v.name);
    expect(values).toEqual(programmes.map((p) => p.code));
  });
});
