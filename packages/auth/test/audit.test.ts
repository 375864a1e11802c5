import { describe, expect, it } from 'vitest';
import {
  AuthConfigError,
  DEV_AUDIT_CHAIN_KEY,
  appendEntry,
  auditCaller,
  canonicalJson,
  chainKey,
  chainKeyring,
  GENESIS_HASH,
  keyedHash,
  unkeyedHash,
  verifyChain,
  type AuditEntry,
  type AuditFields,
  type ChainKey,
} from '../src/index.ts';

const KEY = chainKey('a'.repeat(32) + '-the-audit-service-key');
const OTHER_KEY = chainKey('b'.repeat(32) + '-a-key-the-attacker-chose');
const keys = new Map([[KEY.id, KEY]]);

function fields(i: number): AuditFields {
  return {
    at: new Date(Date.UTC(2024, 4, 1, 8, i)).toISOString(),
    ...auditCaller({ sub: 'w1', role: 'CASEWORKER', region: '654002' }),
    purpose: '低保复核 annual review',
    operation: 'HouseholdView',
    subjectIds: [`H${i}`, `65400219900315${String(i).padStart(3, '0')}X`],
    requestId: `req-${i}`,
  };
}

function chain(n: number, key: ChainKey = KEY): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let i = 0; i < n; i++) entries.push(appendEntry(entries.at(-1) ?? null, fields(i), key));
  return entries;
}

/** An entry as the log wrote them before the chain was keyed: plain SHA-256, no key id. */
function unkeyedEntry(previous: Pick<AuditEntry, 'seq' | 'hash'> | null, f: AuditFields): AuditEntry {
  const unhashed = { ...f, seq: previous ? previous.seq + 1 : 1, keyId: null, prevHash: previous ? previous.hash : GENESIS_HASH };
  return { ...unhashed, hash: unkeyedHash(unhashed) };
}

/** Rewrites entries from `from` on with recomputed hashes, as an attacker with write access could: with a key, or (null) the old unkeyed way. */
function rehash(entries: AuditEntry[], from: number, key: ChainKey | null = KEY): AuditEntry[] {
  const out = entries.slice(0, from);
  for (const e of entries.slice(from)) {
    const { hash: _h, seq: _s, prevHash: _p, keyId: _k, ...rest } = e;
    out.push(key ? appendEntry(out.at(-1) ?? null, rest, key) : unkeyedEntry(out.at(-1) ?? null, rest));
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
    expect(verifyChain(entries, { keys })).toEqual({ ok: true, count: 5, head: { seq: 5, hash: entries[4]?.hash }, keyedFrom: 1, lastKeyId: KEY.id });
    expect(verifyChain([], { keys })).toEqual({ ok: true, count: 0, head: null, keyedFrom: null, lastKeyId: null });
  });

  it('reports an edited entry', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, purpose: 'curiosity' };
    expect(verifyChain(entries, { keys })).toMatchObject({ ok: false, seq: 3, reason: 'edited' });
    const ids = chain(5);
    ids[1] = { ...ids[1]!, subjectIds: ['H1'] };
    expect(verifyChain(ids, { keys })).toMatchObject({ ok: false, seq: 2, reason: 'edited' });
  });

  it('reports an edited entry whose hash was recomputed at the next entry', () => {
    const entries = chain(5);
    const { hash: _h, ...edited } = { ...entries[2]!, sub: 'someone-else' };
    entries[2] = { ...edited, hash: keyedHash(edited, KEY) };
    expect(verifyChain(entries, { keys })).toMatchObject({ ok: false, seq: 4, reason: 'broken_link' });
  });

  it('reports a deleted entry', () => {
    const entries = chain(5);
    expect(verifyChain([...entries.slice(0, 2), ...entries.slice(3)], { keys })).toMatchObject({ ok: false, seq: 4, reason: 'missing' });
    expect(verifyChain(entries.slice(1), { keys })).toMatchObject({ ok: false, seq: 2, reason: 'missing' });
  });

  it('reports a deletion hidden by renumbering the rest', () => {
    const entries = chain(5);
    const without = [...entries.slice(0, 2), ...entries.slice(3).map((e) => ({ ...e, seq: e.seq - 1 }))];
    expect(verifyChain(without, { keys })).toMatchObject({ ok: false, seq: 3, reason: 'edited' });
    // Whoever holds the key can rewrite the rest of the chain: what only the witnesses' checkpoints reveal.
    expect(verifyChain(rehash(without, 2), { keys })).toMatchObject({ ok: true, count: 4 });
  });

  it('reports reordered entries', () => {
    const entries = chain(5);
    const swapped = [entries[0]!, entries[2]!, entries[1]!, entries[3]!, entries[4]!];
    expect(verifyChain(swapped, { keys })).toMatchObject({ ok: false, seq: 3, reason: 'reordered' });
  });

  it('reports a malformed entry', () => {
    const entries = chain(2);
    const bad = { ...entries[1]!, subjectIds: 'H1' } as unknown as AuditEntry;
    expect(verifyChain([entries[0]!, bad], { keys })).toMatchObject({ ok: false, seq: 2, reason: 'malformed' });
  });

  it('verifies a segment after a checkpoint', () => {
    const entries = chain(6);
    const checkpoint = { seq: entries[2]!.seq, hash: entries[2]!.hash, keyedFrom: 1 };
    expect(verifyChain(entries.slice(3), { keys, after: checkpoint })).toMatchObject({ ok: true, count: 3, keyedFrom: 1 });
    expect(verifyChain(entries.slice(4), { keys, after: checkpoint })).toMatchObject({ ok: false, seq: 5, reason: 'missing' });
  });

  it('hashes the same content the same way whatever the key order, and ignores storage-only fields', () => {
    const [entry] = chain(1);
    const { hash, ...unhashed } = entry!;
    const shuffled = Object.fromEntries(Object.entries(unhashed).reverse()) as typeof unhashed;
    expect(keyedHash(shuffled, KEY)).toBe(hash);
    expect(keyedHash({ ...unhashed, id: 42 } as typeof unhashed, KEY)).toBe(hash);
    expect(keyedHash({ ...unhashed, prevHash: 'f'.repeat(64) }, KEY)).not.toBe(hash);
  });
});

describe('the keyed chain', () => {
  it('is HMAC-SHA256 under the key, naming the key; the same content under another key or unkeyed hashes differently', () => {
    const [entry] = chain(1);
    const { hash, ...unhashed } = entry!;
    expect(entry!.keyId).toBe(KEY.id);
    expect(entry!.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(unkeyedHash(unhashed)).not.toBe(hash);
    expect(keyedHash({ ...unhashed, keyId: OTHER_KEY.id }, OTHER_KEY)).not.toBe(hash);
    // The key id is part of what is MACed: relabelling an entry breaks it.
    expect(() => keyedHash(unhashed, OTHER_KEY)).toThrow(/names key/);
    // Key ids name keys without revealing them, and are stable.
    expect(chainKey('a'.repeat(32) + '-the-audit-service-key').id).toBe(KEY.id);
    expect(OTHER_KEY.id).not.toBe(KEY.id);
  });

  it('refuses a deletion whose successors were re-hashed without the key: unkeyed SHA-256, or HMAC under a wrong key', () => {
    const entries = chain(6);
    const without = [...entries.slice(0, 2), ...entries.slice(3).map((e) => ({ ...e, seq: e.seq - 1 }))];
    // Re-hashed the old way but still naming the key: the MAC does not match.
    const relabelled = rehash(without, 2, null).map((e, i) => (i < 2 ? e : { ...e, keyId: KEY.id }));
    expect(verifyChain(relabelled, { keys })).toMatchObject({ ok: false, seq: 3, reason: 'edited' });
    // Re-hashed the old way as unkeyed entries: unkeyed after keyed is refused.
    expect(verifyChain(rehash(without, 2, null), { keys })).toMatchObject({ ok: false, seq: 3, reason: 'unkeyed', message: expect.stringContaining('keyed from entry 1') });
    // Under a key of the attacker's: a key the verifier does not hold.
    expect(verifyChain(rehash(without, 2, OTHER_KEY), { keys })).toMatchObject({ ok: false, seq: 3, reason: 'unknown_key' });
    // ... and passing it off as the real key's entry does not match either.
    const forged = rehash(without, 2, OTHER_KEY).map((e, i) => (i < 2 ? e : { ...e, keyId: KEY.id }));
    expect(verifyChain(forged, { keys })).toMatchObject({ ok: false, seq: 3, reason: 'edited' });
  });

  it('rewritten wholly the old way from the first entry, the chain alone verifies as unkeyed: the witnesses catch that (it has no keyed entry)', () => {
    const rewritten = rehash(chain(4).slice(1).map((e) => ({ ...e, seq: e.seq - 1 })), 0, null);
    expect(verifyChain(rewritten, { keys })).toMatchObject({ ok: true, count: 3, keyedFrom: null });
  });

  it('checks entries from before the chain was keyed with plain SHA-256, sealed by the first keyed entry', () => {
    const old: AuditEntry[] = [];
    for (let i = 0; i < 3; i++) old.push(unkeyedEntry(old.at(-1) ?? null, fields(i)));
    const log = [...old];
    for (let i = 3; i < 6; i++) log.push(appendEntry(log.at(-1)!, fields(i), KEY));
    expect(verifyChain(log, { keys })).toMatchObject({ ok: true, count: 6, keyedFrom: 4 });
    // An old entry edited and re-hashed (plain SHA-256 is anyone's): the keyed entry after it no longer links.
    const { hash: _h, ...edited } = { ...log[1]!, purpose: 'curiosity' };
    const tampered = [...log];
    tampered[1] = { ...edited, hash: unkeyedHash(edited) };
    tampered[2] = { ...tampered[2]!, prevHash: tampered[1].hash };
    tampered[2] = { ...tampered[2], hash: unkeyedHash(tampered[2]) };
    expect(verifyChain(tampered, { keys })).toMatchObject({ ok: false, seq: 4, reason: 'broken_link' });
    // Verified a page at a time, the unkeyed/keyed boundary carries across pages.
    const first = verifyChain(log.slice(0, 4), { keys });
    expect(first).toMatchObject({ ok: true, keyedFrom: 4 });
    const after = { seq: 4, hash: log[3]!.hash, keyedFrom: 4 };
    const laterUnkeyed = rehash(log, 4, null).slice(4);
    expect(verifyChain(laterUnkeyed, { keys, after })).toMatchObject({ ok: false, seq: 5, reason: 'unkeyed' });
  });

  it('verifies entries of retired keys once they are in the keyring', () => {
    const retired = chain(2, OTHER_KEY);
    const log = [...retired, appendEntry(retired.at(-1)!, fields(2), KEY)];
    expect(verifyChain(log, { keys })).toMatchObject({ ok: false, seq: 1, reason: 'unknown_key' });
    const ring = chainKeyring({ current: 'a'.repeat(32) + '-the-audit-service-key', previous: `${'b'.repeat(32)}-a-key-the-attacker-chose` }, 'production');
    expect(ring.current.id).toBe(KEY.id);
    expect(verifyChain(log, { keys: ring.byId })).toMatchObject({ ok: true, count: 3, keyedFrom: 1 });
  });

  it('refuses an entry made with a retired key after one made with its successor: a leaked old key forges nothing new', () => {
    const ring = chainKeyring({ current: 'a'.repeat(32) + '-the-audit-service-key', previous: `${'b'.repeat(32)}-a-key-the-attacker-chose` }, 'production');
    const retired = chain(2, OTHER_KEY);
    const log = [...retired, appendEntry(retired.at(-1)!, fields(2), KEY)];
    const forged = [...log, appendEntry(log.at(-1)!, fields(3), OTHER_KEY)];
    expect(verifyChain(forged, { keys: ring.byId })).toMatchObject({ ok: false, seq: 4, reason: 'retired_key' });
    // Also across pages: the position carries the last key.
    const first = verifyChain(log, { keys: ring.byId });
    expect(first).toMatchObject({ ok: true, lastKeyId: KEY.id });
    const after = { seq: 3, hash: log[2]!.hash, keyedFrom: 1, lastKeyId: KEY.id };
    expect(verifyChain(forged.slice(3), { keys: ring.byId, after })).toMatchObject({ ok: false, seq: 4, reason: 'retired_key' });
    // Listed the other way round (the attacker's key as the newer one), the same log is refused at the rotation.
    const reversed = chainKeyring({ current: `${'b'.repeat(32)}-a-key-the-attacker-chose`, previous: 'a'.repeat(32) + '-the-audit-service-key' }, 'production');
    expect(verifyChain(log, { keys: reversed.byId })).toMatchObject({ ok: false, seq: 3, reason: 'retired_key' });
  });
});

describe('the chain key in production', () => {
  it('is the development key outside production, refused in production when missing or the development key', () => {
    expect(chainKeyring({}, 'development').current.id).toBe(chainKey(DEV_AUDIT_CHAIN_KEY).id);
    expect(chainKeyring({ current: '' }, 'test').current.id).toBe(chainKey(DEV_AUDIT_CHAIN_KEY).id);
    expect(() => chainKeyring({}, 'production')).toThrow(AuthConfigError);
    expect(() => chainKeyring({}, 'production')).toThrow(/AUDIT_CHAIN_KEY/);
    expect(() => chainKeyring({ current: DEV_AUDIT_CHAIN_KEY }, 'production')).toThrow(/development access-log chain key/);
    expect(() => chainKeyring({ current: 'c'.repeat(40), previous: DEV_AUDIT_CHAIN_KEY }, 'production')).toThrow(/development access-log chain key/);
    expect(() => chainKeyring({ current: 'too short' }, 'development')).toThrow(/at least 32 bytes/);
    expect(chainKeyring({ current: 'c'.repeat(40) }, 'production').byId.size).toBe(1);
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
