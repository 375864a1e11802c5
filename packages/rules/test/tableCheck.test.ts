import { describe, expect, it } from 'vitest';
import { TableCheck } from '../src/tableCheck.ts';

describe('TableCheck', () => {
  it('passes a table of the right shape', () => {
    const check = new TableCheck('t.json');
    const value: unknown = { letters: { a: 'x' }, words: ['ab'], name: 'n' };
    if (check.object(value, 't', ['letters', 'words'], ['name'])) {
      check.table(value.letters, 'letters', /^.$/u, 'must be one character');
      check.strings(value.words, 'words', /^[a-z]+$/u, 'must be letters', 1);
    }
    expect(() => check.done()).not.toThrow();
  });

  it('names every issue at once, with its place', () => {
    const check = new TableCheck('t.json');
    const value: unknown = { letters: { ab: 3 }, words: [], other: 1 };
    if (check.object(value, 't', ['letters', 'words', 'name'])) {
      check.table(value.letters, 'letters', /^.$/u, 'must be one character');
      check.strings(value.words, 'words', /./u, 'must not be empty', 1);
    }
    expect(() => check.done()).toThrow(
      ['invalid t.json:', 't: lacks name', 't.other: is not a known field', 'letters.ab: must be one character', 'letters.ab: must be a string', 'words: must hold at least 1'].join('\n'),
    );
  });
});
