import { describe, expect, it } from 'vitest';
import { nameKey, normaliseName } from '@saf/rules';
import { HAN_STYLE_NAMES, PATRONYMIC_GIVEN_NAMES } from '../src/names.ts';
import { IDENTITY_NAMES } from '../src/planted.ts';
import { generated } from './helpers.ts';

describe('names and the duplicate-identity rule', () => {
  it('leave every Han, Hui and Xibe name the comparison it had (王芳 and 汪芳 apart)', () => {
    let checked = 0;
    for (const surname of HAN_STYLE_NAMES.surnames) {
      for (const given of HAN_STYLE_NAMES.given) {
        const name = surname + given;
        if (nameKey(name) !== `=${normaliseName(name)}`) expect.fail(`${name} is read as a Uyghur or Kazakh name: ${nameKey(name)}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it('know every Uyghur and Kazakh given name of the pools in every script (a name element)', () => {
    for (const given of PATRONYMIC_GIVEN_NAMES) expect(nameKey(given), given).toMatch(/^~/u);
  });

  const pairs = Object.values(IDENTITY_NAMES).flatMap((byGender) => Object.values(byGender).flat());

  it('plant second spellings with the first one\'s name key, a third of them in another script', () => {
    for (const [a, b] of pairs) expect(nameKey(b), `${a} ${b}`).toBe(nameKey(a));
    const otherScript = pairs.filter(([, b]) => !/\p{Script=Han}/u.test(b));
    expect(otherScript.length).toBeGreaterThanOrEqual(pairs.length / 3);
    for (const script of [/\p{Script=Latin}/u, /\p{Script=Arabic}/u, /\p{Script=Cyrillic}/u]) expect(otherScript.some(([, b]) => script.test(b))).toBe(true);
  });

  it('write some planted duplicates in another script in a generated file', () => {
    const g = generated({ households: 1200, seed: 42 });
    const names = new Map(g.records.flatMap((r) => (r.type === 'person' ? [[r.id, r.name] as const] : [])));
    const identities = g.planted.filter((f) => f.rule === 'POSSIBLE_DUPLICATE_IDENTITY').map((f) => f.personIds.map((id) => names.get(id)!));
    expect(identities.some((spellings) => spellings.some((n) => !/\p{Script=Han}/u.test(n)))).toBe(true);
  });
});
