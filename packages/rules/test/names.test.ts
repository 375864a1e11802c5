import { describe, expect, it } from 'vitest';
import variants from '../name-variants.json' with { type: 'json' };
import { normaliseName } from '../src/index.ts';

describe('normaliseName', () => {
  it.each([
    ['阿依古丽·买买提', '阿依古丽买买提'],
    ['阿依古丽•买买提', '阿依古丽买买提'],
    ['阿依古丽.买买提', '阿依古丽买买提'],
    ['阿依古丽．买买提', '阿依古丽买买提'],
    ['阿依古丽・买买提', '阿依古丽买买提'],
    ['阿依古丽 买买提', '阿依古丽买买提'],
    ['阿依古丽\u3000买买提', '阿依古丽买买提'],
    ['阿依古丽-买买提', '阿依古丽买买提'],
    ['  阿依古丽 · 买买提  ', '阿依古丽买买提'],
    ['阿依古力·麦麦提', '阿依古丽买买提'],
    ['阿布都热合满·艾麦提', '阿不都热合曼艾买提'],
    ['热依罕·玉素普', '热依汗玉素甫'],
    ['奴尔兰·乌斯曼', '努尔兰吾斯曼'],
    ['图尔洪·麦合木提', '吐尔洪买合木提'],
    ['张三', '张三'],
    ['Aygül Memet', 'aygülmemet'],
    ['AYGÜL-MEMET', 'aygülmemet'],
    ['ＡＹＧＵＬ．ＭＥＭＥＴ', 'aygulmemet'],
    ['Nurlan·Serik', 'nurlanserik'],
  ])('%s → %s', (name, expected) => {
    expect(normaliseName(name)).toBe(expected);
  });

  it.each([
    ['买买提', '艾买提'],
    ['阿依古丽·买买提', '阿依古丽·艾买提'],
    ['阿里木', '阿力木'],
    ['Aygul', 'Aygül'],
  ])('keeps different names apart: %s ≠ %s', (a, b) => {
    expect(normaliseName(a)).not.toBe(normaliseName(b));
  });

  it.each(variants.variants.flatMap((entry) => entry.variants.map((variant) => [variant, entry.canonical])))(
    'rewrites the variant %s to %s, and is idempotent',
    (variant, canonical) => {
      expect(normaliseName(`阿依古丽·${variant}`)).toBe(`阿依古丽${canonical}`);
      expect(normaliseName(canonical)).toBe(canonical);
      expect(normaliseName(normaliseName(variant))).toBe(normaliseName(variant));
    },
  );
});
