import { describe, expect, it } from 'vitest';
import { checkCheckpoints, countersign, countersignatureValid, deriveSubgraphSecret, witnessKey, type WitnessedCheckpoint } from '../src/index.ts';

const LABOUR_SECRET = deriveSubgraphSecret('m'.repeat(40), 'labour');
const KEY = witnessKey(LABOUR_SECRET, 'labour');
const h = (c: string) => c.repeat(64);

function witnessed(seq: number, hash: string, at = `2026-01-0${(seq % 9) + 1}T08:00:00.000Z`, key = KEY): WitnessedCheckpoint {
  return { seq, hash, at, keyId: key.id, signature: countersign(key, 'labour', { seq, hash, at }) };
}
const check = (checkpoints: WitnessedCheckpoint[], l: ReturnType<typeof log>) => checkCheckpoints('labour', KEY, checkpoints, l).problems;

/** A log of `last` entries whose hashes are `a`, `b`, …; `gone` seqs deleted. */
function log(last: number, gone: number[] = [], changed: Record<number, string> = {}) {
  const hashes = new Map<number, string>();
  for (let seq = 1; seq <= last; seq++) if (!gone.includes(seq)) hashes.set(seq, changed[seq] ?? h(String.fromCharCode(96 + seq)));
  return { last, hashes };
}

describe('a witness countersignature', () => {
  it('is the witness’s own: another witness’s key, or any field changed, fails it', () => {
    const c = witnessed(3, h('c'));
    expect(countersignatureValid(KEY, 'labour', c)).toBe(true);
    expect(countersignatureValid(witnessKey(deriveSubgraphSecret('m'.repeat(40), 'health'), 'health'), 'health', c)).toBe(false);
    expect(countersignatureValid(witnessKey(LABOUR_SECRET, 'health'), 'labour', c)).toBe(false);
    expect(countersignatureValid(KEY, 'labour', { ...c, seq: 4 })).toBe(false);
    expect(countersignatureValid(KEY, 'labour', { ...c, hash: h('d') })).toBe(false);
    expect(countersignatureValid(KEY, 'labour', { ...c, at: '2026-02-01T00:00:00.000Z' })).toBe(false);
    expect(countersignatureValid(KEY, 'labour', { ...c, signature: 'short' })).toBe(false);
    expect(countersignatureValid(KEY, 'labour', { ...c, keyId: '0'.repeat(16) })).toBe(false);
    expect(KEY.id).toMatch(/^[0-9a-f]{16}$/);
    expect(witnessKey(LABOUR_SECRET, 'labour').id).toBe(KEY.id);
  });
});

describe('checking a witness’s checkpoints against the log', () => {
  const checkpoints = [witnessed(2, h('b')), witnessed(5, h('e')), witnessed(8, h('h'))];

  it('finds nothing wrong when every witnessed entry is there with its witnessed hash, the log going on past the last', () => {
    expect(check(checkpoints, log(8))).toEqual([]);
    expect(check(checkpoints, log(12))).toEqual([]);
    expect(check([], log(0))).toEqual([]);
  });

  it('names an entry deleted from the middle that a witness holds', () => {
    expect(check(checkpoints, log(8, [5]))).toEqual([
      { kind: 'missing', witness: 'labour', seq: 5, message: 'entry 5 missing but witnessed by labour at 2026-01-06T08:00:00.000Z' },
    ]);
  });

  it('names a cut-off tail, whatever the log’s own head says', () => {
    expect(check(checkpoints, log(6))).toEqual([
      { kind: 'truncated', witness: 'labour', seq: 8, message: expect.stringMatching(/^log truncated: labour witnessed seq 8 at .*, but the log ends at entry 6$/) },
    ]);
    expect(check(checkpoints, log(0)).map((p) => [p.kind, p.seq])).toEqual([
      ['truncated', 2],
      ['truncated', 5],
      ['truncated', 8],
    ]);
  });

  it('names an entry rewritten (re-hashed) at or after a witnessed one, in seq order', () => {
    const problems = check([...checkpoints].reverse(), log(8, [], { 5: h('x'), 8: h('y') }));
    expect(problems.map((p) => [p.kind, p.seq])).toEqual([
      ['rewritten', 5],
      ['rewritten', 8],
    ]);
    expect(problems[0]!.message).toMatch(/^entry 5 is not the one labour witnessed at /);
  });

  it('reports a checkpoint altered in the witness’s database and does not use it', () => {
    // Someone with the witness's database moved its checkpoint down to fit a truncated log.
    const altered = { ...checkpoints[2]!, seq: 6, hash: h('f') };
    expect(check([checkpoints[0]!, altered], log(6))).toEqual([
      { kind: 'countersignature', witness: 'labour', seq: 6, message: "labour's checkpoint of entry 6 fails its countersignature: labour's own database was altered" },
    ]);
  });

  it('after a rotated signing secret, compares the older checkpoints without vouching for them', () => {
    const OLD = witnessKey(deriveSubgraphSecret('o'.repeat(40), 'labour'), 'labour');
    const older = [witnessed(2, h('b'), undefined, OLD), witnessed(5, h('e'), undefined, OLD)];
    expect(checkCheckpoints('labour', KEY, [...older, checkpoints[2]!], log(8))).toEqual({ problems: [], unauthenticated: 2 });
    // Still evidence when they disagree with the log.
    const cut = checkCheckpoints('labour', KEY, [...older, checkpoints[2]!], log(4));
    expect(cut.problems.map((p) => [p.kind, p.seq])).toEqual([
      ['truncated', 5],
      ['truncated', 8],
    ]);
    expect(cut.problems[0]!.message).toMatch(new RegExp(`countersigned with labour's earlier key ${OLD.id}\\)$`));
  });
});
