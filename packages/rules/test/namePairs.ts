/**
 * The name pairs of name-pairs.json and what a name comparison scores on them: shared by the unit
 * test (floors) and scripts/measure-names.ts (the figures, by convention and before/after).
 */
import data from './name-pairs.json' with { type: 'json' };

export interface NamePair {
  a: string;
  b: string;
  /** The same person written twice (true), or different people with similar names (false). */
  same: boolean;
  /** Conventions of the two spellings, sorted and joined ('uly+zh'); 'different' for the hard negatives. */
  kind: string;
  /** The scripts of the two spellings, sorted and joined ('Chinese↔Latin'); Pinyin counts apart from Latin. */
  scripts: string;
  /** Of a person whose given name is outside the generator's pools (and name-elements.json). */
  outsidePools: boolean;
  why: string;
}

interface Person {
  note: string;
  outsidePools?: boolean;
  spellings: [string, string][];
}

const persons = data.persons as Person[];

function scriptOf(convention: string, spelling: string): string {
  if (convention === 'pinyin') return 'Pinyin';
  if (/\p{Script=Han}/u.test(spelling)) return 'Chinese';
  if (/\p{Script=Arabic}/u.test(spelling)) return 'Arabic';
  if (/\p{Script=Cyrillic}/u.test(spelling)) return 'Cyrillic';
  return 'Latin';
}

/** Every two spellings of one person (positives), then the listed different people (negatives). */
export const namePairs: readonly NamePair[] = [
  ...persons.flatMap((p) =>
    p.spellings.flatMap(([ca, a], i) =>
      p.spellings.slice(i + 1).map(([cb, b]) => ({
        a,
        b,
        same: true,
        kind: [ca, cb].sort().join('+'),
        scripts: [scriptOf(ca, a), scriptOf(cb, b)].sort().join('↔'),
        outsidePools: p.outsidePools ?? false,
        why: p.note,
      })),
    ),
  ),
  ...data.different.map((d) => ({ a: d.a, b: d.b, same: false, kind: 'different', scripts: 'different', outsidePools: false, why: d.why })),
];

/** Every spelling of every person, for the collisions between persons. */
export const spellingsByPerson: readonly (readonly string[])[] = persons.map((p) => p.spellings.map(([, s]) => s));

export interface Score {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  precision: number;
  recall: number;
  missed: NamePair[];
  wrong: NamePair[];
}

/** Precision and recall of `match` over `pairs` (precision 1 when nothing matched). */
export function score(pairs: readonly NamePair[], match: (a: string, b: string) => boolean): Score {
  const missed: NamePair[] = [];
  const wrong: NamePair[] = [];
  let truePositives = 0;
  let trueNegatives = 0;
  for (const pair of pairs) {
    const matched = match(pair.a, pair.b);
    if (pair.same && matched) truePositives++;
    else if (pair.same) missed.push(pair);
    else if (matched) wrong.push(pair);
    else trueNegatives++;
  }
  const predicted = truePositives + wrong.length;
  return {
    truePositives,
    falsePositives: wrong.length,
    falseNegatives: missed.length,
    trueNegatives,
    precision: predicted === 0 ? 1 : truePositives / predicted,
    recall: truePositives / (truePositives + missed.length),
    missed,
    wrong,
  };
}

/**
 * Pairs of spellings of two different persons of the set that `keyOf` gives one key: accidental
 * matches among all the names, not only the hard negatives listed.
 */
export function collisions(keyOf: (name: string) => string): [string, string][] {
  const owner = new Map<string, { person: number; spelling: string }[]>();
  spellingsByPerson.forEach((spellings, person) => {
    for (const spelling of spellings) {
      const key = keyOf(spelling);
      owner.set(key, [...(owner.get(key) ?? []), { person, spelling }]);
    }
  });
  const found: [string, string][] = [];
  for (const list of owner.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) if (list[i]!.person !== list[j]!.person) found.push([list[i]!.spelling, list[j]!.spelling]);
    }
  }
  return found;
}

/** Spelling pairs between persons: the denominator of `collisions`. */
export function crossPersonPairs(): number {
  const sizes = spellingsByPerson.map((s) => s.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  return (total * total - sizes.reduce((a, n) => a + n * n, 0)) / 2;
}
