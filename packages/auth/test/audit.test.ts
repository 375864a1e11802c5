import { describe, expect, it } from 'vitest';
import { appendEntry, auditCaller, canonicalJson, GENESIS_HASH, hashEntry, verifyChain, type AuditEntry } from '../src/index.ts';

function chain(n: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    entries.push(
      appendEntry(entries.at(-1) ?? null, {
        at: new Date(Date.UTC(2024, 4, 1, 8, i)).toISOString(),
        ...auditCaller({ sub: 'w1', role: 'CASEWORKER', region: '654002' }),
        purpose: '低保复核 annual review',
        operation: 'HouseholdView',
        subjectIds: [`H${i}`, `65400219900315${String(i).padStart(3, '0')}X`],
        requestId: `req-${i}`,
      }),
    );
  }
  return entries;
}

/** Rewrites entries from `from` on with recomputed hashes, as an attacker with write access could. */
function rehash(entries: AuditEntry[], from: number): AuditEntry[] {
  const out = entries.slice(0, from);
  for (const e of entries.slice(from)) {
    const { hash: _h, seq: _s, prevHash: _p, ...fields } = e;
    out.push(appendEntry(out.at(-1) ?? null, fields));
  }
  return out;
}

describe('audit chain', () => {
  it('starts at the genesis hash and links every entry to the previous', () => {
    const entries = chain(3);
    expect(entries[0]).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, region: '654002', department: null });
    expect(entries[1]?.prevHash).toBe(entries[0]?.hash);
    expect(entries[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies an intact chain', () => {
    const entries = chain(5);
    expect(verifyChain(entries)).toEqual({ ok: true, count: 5, head: { seq: 5, hash: entries[4]?.hash } });
    expect(verifyChain([])).toEqual({ ok: true, count: 0, head: null });
  });

  it('reports an edited entry', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, purpose: 'curiosity' };
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 3, reason: 'edited' });
    const ids = chain(5);
    ids[1] = { ...ids[1]!, subjectIds: ['H1'] };
    expect(verifyChain(ids)).toMatchObject({ ok: false, seq: 2, reason: 'edited' });
  });

  it('reports an edited entry whose hash was recomputed at the next entry', () => {
    const entries = chain(5);
    const { hash: _h, ...edited } = { ...entries[2]!, sub: 'someone-else' };
    entries[2] = { ...edited, hash: hashEntry(edited) };
    expect(verifyChain(entries)).toMatchObject({ ok: false, seq: 4, reason: 'broken_link' });
  });

  it('reports a deleted entry', () => {
    const entries = chain(5);
    expect(verifyChain([...entries.slice(0, 2), ...entries.slice(3)])).toMatchObject({ ok: false, seq: 4, reason: 'missing' });
    expect(verifyChain(entries.slice(1))).toMatchObject({ ok: false, seq: 2, reason: 'missing' });
  });

  it('reports a deletion hidden by renumbering the rest', () => {
    const entries = chain(5);
    const without = [...entries.slice(0, 2), ...entries.slice(3).map((e) => ({ ...e, seq: e.seq - 1 }))];
    expect(verifyChain(without)).toMatchObject({ ok: false, seq: 3, reason: 'edited' });
    // Rewriting the rest of the chain is what only an anchored head hash can reveal.
    expect(verifyChain(rehash(without, 2))).toMatchObject({ ok: true, count: 4 });
  });

  it('reports reordered entries', () => {
    const entries = chain(5);
    const swapped = [entries[0]!, entries[2]!, entries[1]!, entries[3]!, entries[4]!];
    expect(verifyChain(swapped)).toMatchObject({ ok: false, seq: 3, reason: 'reordered' });
  });

  it('reports a malformed entry', () => {
    const entries = chain(2);
    const bad = { ...entries[1]!, subjectIds: 'H1' } as unknown as AuditEntry;
    expect(verifyChain([entries[0]!, bad])).toMatchObject({ ok: false, seq: 2, reason: 'malformed' });
  });

  it('verifies a segment after a checkpoint', () => {
    const entries = chain(6);
    const checkpoint = { seq: entries[2]!.seq, hash: entries[2]!.hash };
    expect(verifyChain(entries.slice(3), { after: checkpoint })).toMatchObject({ ok: true, count: 3 });
    expect(verifyChain(entries.slice(4), { after: checkpoint })).toMatchObject({ ok: false, seq: 5, reason: 'missing' });
  });

  it('hashes the same content the same way whatever the key order, and ignores storage-only fields', () => {
    const [entry] = chain(1);
    const { hash, ...unhashed } = entry!;
    const shuffled = Object.fromEntries(Object.entries(unhashed).reverse()) as typeof unhashed;
    expect(hashEntry(shuffled)).toBe(hash);
    expect(hashEntry({ ...unhashed, id: 42 } as typeof unhashed)).toBe(hash);
    expect(hashEntry({ ...unhashed, prevHash: 'f'.repeat(64) })).not.toBe(hash);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });

  it('refuses values JSON cannot represent', () => {
    expect(() => canonicalJson({ a: undefined })).toThrow();
    expect(() => canonicalJson(Number.NaN)).toThrow();
  });
});
