import { describe, expect, it } from 'vitest';
import { decodeActing, decodeCaller, encodeCaller, parseCaller } from '../src/index.ts';

describe('parseCaller', () => {
  it.each([
    [{ sub: 'w1', role: 'CASEWORKER', region: '654002' }],
    [{ sub: 'w1', role: 'CASEWORKER', region: '654002001001' }],
    [{ sub: 'o1', role: 'DEPARTMENT_OFFICER', department: 'LABOUR' }],
    [{ sub: 'o1', role: 'DEPARTMENT_OFFICER', department: 'HEALTH', region: '6540' }],
    [{ sub: 'c1', role: 'COORDINATOR', region: '65' }],
    [{ sub: 'a1', role: 'ANALYST' }],
    [{ sub: '审计员', role: 'AUDITOR' }],
  ])('accepts %o', (input) => {
    expect(parseCaller(input)).toEqual({ ok: true, caller: input });
  });

  it.each([
    [{ sub: 'w1', role: 'CASEWORKER' }, 'region: a CASEWORKER needs a region'],
    [{ sub: 'o1', role: 'DEPARTMENT_OFFICER' }, 'department: a DEPARTMENT_OFFICER needs a department'],
    [{ sub: 'w1', role: 'CASEWORKER', region: '654002', department: 'LABOUR' }, 'department: a CASEWORKER must not carry a department'],
    [{ sub: 'w1', role: 'CASEWORKER', region: '65400' }, 'region: region must be a jurisdiction prefix'],
    [{ sub: 'w1', role: 'CASEWORKER', region: 654002 }, 'region: region must be a string'],
    [{ sub: 'o1', role: 'DEPARTMENT_OFFICER', department: 'POLICE' }, 'department: department must be one of'],
    [{ sub: 'x', role: 'ADMIN' }, 'role: role must be one of'],
    [{ sub: '', role: 'ANALYST' }, 'sub: sub must not be empty'],
    [{ sub: 'a\nb', role: 'ANALYST' }, 'sub: sub has control characters'],
    [{ sub: 'a1', role: 'ANALYST', admin: true }, 'admin'],
  ])('rejects %o with a reason', (input, reason) => {
    const result = parseCaller(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});

describe('caller header encoding', () => {
  it('round-trips and does not depend on key order', () => {
    const a = encodeCaller({ sub: 'w1', role: 'CASEWORKER', region: '654002' });
    const b = encodeCaller({ region: '654002', role: 'CASEWORKER', sub: 'w1' } as never);
    expect(a).toBe(b);
    expect(decodeCaller(a)).toEqual({ sub: 'w1', role: 'CASEWORKER', region: '654002' });
  });

  it('decodes nothing that is not a valid caller', () => {
    expect(decodeCaller('not base64url!')).toBeNull();
    expect(decodeCaller(Buffer.from('{"sub":"w1","role":"CASEWORKER"}').toString('base64url'))).toBeNull();
    expect(decodeCaller(Buffer.from('[').toString('base64url'))).toBeNull();
  });

  it('carries the code of a declared purpose with the caller, and nothing that is not a code', () => {
    const caller = { sub: 'w1', role: 'CASEWORKER', region: '654002' } as const;
    expect(decodeActing(encodeCaller(caller, 'MINIMUM_LIVING_REVIEW'))).toEqual({ caller, purpose: 'MINIMUM_LIVING_REVIEW' });
    expect(decodeActing(encodeCaller(caller))).toEqual({ caller, purpose: null });
    expect(decodeCaller(encodeCaller(caller, 'HOME_VISIT'))).toEqual(caller);
    const raw = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    expect(decodeActing(raw({ ...caller, purpose: '低保审核' }))).toBeNull();
    expect(decodeActing(raw({ ...caller, purpose: 7 }))).toBeNull();
    expect(() => encodeCaller(caller, 'low income')).toThrow(/invalid purpose code/);
  });
});

describe('the caller header, asked for again (remembered by its text)', () => {
  it('refuses an invalid caller or purpose every time, not only the first', () => {
    for (let i = 0; i < 2; i++) {
      expect(() => encodeCaller({ sub: 'w1', role: 'CASEWORKER', region: 'x' } as never)).toThrow('invalid caller');
      expect(() => encodeCaller({ sub: 'w1', role: 'COORDINATOR' }, 'not a code')).toThrow('invalid purpose code');
      expect(decodeActing('bm90IGpzb24')).toBeNull();
    }
  });

  it('encodes each caller and purpose as its own value, the second time as the first', () => {
    const worker = { sub: 'w1', role: 'CASEWORKER' as const, region: '654002' };
    const first = [encodeCaller(worker), encodeCaller(worker, 'SWEEP'), encodeCaller({ ...worker, region: '654003' }), encodeCaller({ ...worker, sub: 'w2' })];
    expect(new Set(first).size).toBe(4);
    expect([encodeCaller(worker), encodeCaller(worker, 'SWEEP'), encodeCaller({ ...worker, region: '654003' }), encodeCaller({ ...worker, sub: 'w2' })]).toEqual(first);
    expect(decodeActing(first[2]!)).toEqual({ caller: { ...worker, region: '654003' }, purpose: null });
  });

  it('hands out a copy: changing what one request got does not change the next one', () => {
    const value = encodeCaller({ sub: 'w1', role: 'CASEWORKER', region: '654002' }, 'SWEEP');
    const a = decodeActing(value)!;
    a.caller.region = '65';
    a.purpose = 'OTHER';
    expect(decodeActing(value)).toEqual({ caller: { sub: 'w1', role: 'CASEWORKER', region: '654002' }, purpose: 'SWEEP' });
  });
});
