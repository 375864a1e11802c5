/**
 * Precision and recall of the duplicate-identity rule's name comparison over test/name-pairs.json:
 * before (names equal after normaliseName, the rule up to d2ae19a) and now (equal nameKey).
 *   npm run measure-names -w @saf/rules     (add -- --list to print every miss and false match)
 */
import { nameKey, normaliseName } from '../src/index.ts';
import { collisions, crossPersonPairs, namePairs, score, type NamePair, type Score } from './namePairs.ts';

const list = process.argv.includes('--list');
const compare = {
  before: (a: string, b: string) => normaliseName(a) === normaliseName(b),
  now: (a: string, b: string) => nameKey(a) === nameKey(b),
};

const fmt = (x: number) => x.toFixed(3);
const line = (label: string, s: Score) =>
  `${label.padEnd(34)} pairs ${String(s.truePositives + s.falseNegatives + s.falsePositives + s.trueNegatives).padStart(4)}  precision ${fmt(s.precision)}  recall ${fmt(s.recall)}  (TP ${s.truePositives}, FN ${s.falseNegatives}, FP ${s.falsePositives}, TN ${s.trueNegatives})`;

function report(pairs: readonly NamePair[], label: string): void {
  console.log(`\n${label}`);
  for (const [name, match] of Object.entries(compare)) console.log(line(`  ${name}`, score(pairs, match)));
}

report(namePairs, 'All pairs');
report(namePairs.filter((p) => !p.same || !p.outsidePools), 'Persons whose names are in the generator\'s pools');
report(namePairs.filter((p) => !p.same || p.outsidePools), 'Persons whose given names are outside the pools');

console.log('\nRecall by the scripts of a pair, names in the pools / outside them (now)');
const scripts = [...new Set(namePairs.filter((p) => p.same).map((p) => p.scripts))].sort();
for (const pair of scripts) {
  const [inside, outside] = [false, true].map((o) => namePairs.filter((p) => p.scripts === pair && p.outsidePools === o));
  const cell = (pairs: NamePair[]) => (pairs.length ? `${fmt(score(pairs, compare.now).recall)} of ${String(pairs.length).padStart(3)}` : '     -      ');
  console.log(`  ${pair.padEnd(18)} ${cell(inside!)}   ${cell(outside!)}`);
}

console.log('\nRecall by the two conventions of a pair (now / before)');
const kinds = [...new Set(namePairs.filter((p) => p.same).map((p) => p.kind))].sort();
for (const kind of kinds) {
  const pairs = namePairs.filter((p) => p.kind === kind);
  console.log(`  ${kind.padEnd(18)} ${String(pairs.length).padStart(3)} pairs  ${fmt(score(pairs, compare.now).recall)} / ${fmt(score(pairs, compare.before).recall)}`);
}

const cross = crossPersonPairs();
for (const [name, keyOf] of [['before', normaliseName], ['now', nameKey]] as const) {
  const found = collisions(keyOf);
  console.log(`\nSpellings of different persons with one key (${name}): ${found.length} of ${cross} pairs`);
  if (list) for (const [a, b] of found) console.log(`  ${a}  =  ${b}`);
}

if (list) {
  const now = score(namePairs, compare.now);
  console.log('\nMissed (same person, different keys):');
  for (const p of now.missed) console.log(`  ${p.kind.padEnd(16)} ${p.a}  ≠  ${p.b}   [${nameKey(p.a)} ${nameKey(p.b)}]  ${p.why}`);
  console.log('\nMatched but different people:');
  for (const p of now.wrong) console.log(`  ${p.a}  =  ${p.b}   [${nameKey(p.a)}]  ${p.why}`);
}
