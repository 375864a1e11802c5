/**
 * Issue 29, SPEC section 12: the data-sharing catalogue the owners declare in their schemas, and
 * the agreements: requested by an office, decided by the owner's officers only, revoked by the
 * owner or the requester, every change in the agreement's history; the shipped defaults listed
 * and revocable like any other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller } from '@saf/auth';
import { startSystem, type System } from './support/system.ts';

const LABOUR: Caller = { sub: 'lb-sharing', role: 'DEPARTMENT_OFFICER', department: 'LABOUR', region: '654002' };
const HEALTH: Caller = { sub: 'he-sharing', role: 'DEPARTMENT_OFFICER', department: 'HEALTH' };
const EDUCATION: Caller = { sub: 'ed-sharing', role: 'DEPARTMENT_OFFICER', department: 'EDUCATION' };
const CASEWORKER: Caller = { sub: 'cw-sharing', role: 'CASEWORKER', region: '654002' };
const ANALYST: Caller = { sub: 'an-sharing', role: 'ANALYST' };
const COORDINATOR: Caller = { sub: 'co-sharing', role: 'COORDINATOR' };

const AGREEMENT = 'id requester owner coordinates purpose legalBasis validFrom validUntil status builtIn requestedBy history { action by office note }';
const REQUEST = `mutation Ask($input: SharingRequestInput!) { requestSharing(input: $input) { ${AGREEMENT} } }`;
const DECIDE = `mutation Decide($id: ID!, $approve: Boolean!, $note: String!) { decideSharing(id: $id, approve: $approve, note: $note) { ${AGREEMENT} } }`;
const REVOKE = `mutation Revoke($id: ID!, $note: String!) { revokeSharing(id: $id, note: $note) { ${AGREEMENT} } }`;
const LIST = `query List($d: Department, $s: String) { sharingAgreements(department: $d, status: $s) { ${AGREEMENT} } }`;

const inAYear = () => new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
const askHealth = (extra: Record<string, unknown> = {}) => ({
  owner: 'HEALTH',
  coordinates: ['Person.healthAwards', 'HealthAward.*'],
  purpose: 'EMPLOYMENT_AID_REVIEW',
  legalBasis: '《社会救助暂行办法》第四十二条',
  validUntil: inAYear(),
  ...extra,
});

describe('sharing governance: the catalogue and the agreements', () => {
  let system: System;
  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(async () => {
    await system?.stop();
  });

  const codes = (res: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => res.errors?.map((e) => e.extensions?.code);
  async function ask(caller: Caller, input: Record<string, unknown>) {
    return system.query(REQUEST, { input }, { caller });
  }
  async function requested(): Promise<string> {
    const res = await ask(LABOUR, askHealth());
    expect(res.errors).toBeUndefined();
    return res.data!.requestSharing.id;
  }

  it('lists the catalogue by department, with the class, sensitivity and description each owner declared', async () => {
    const res = await system.query('query ($d: Department) { dataCatalogue(department: $d) { coordinate department description sharing sensitivity } }', { d: 'HEALTH' }, { caller: CASEWORKER });
    expect(res.errors).toBeUndefined();
    const entries = res.data!.dataCatalogue as Array<Record<string, string>>;
    expect(new Set(entries.map((e) => e.department))).toEqual(new Set(['HEALTH']));
    expect(entries.find((e) => e.coordinate === 'Person.healthAwards')).toEqual({
      coordinate: 'Person.healthAwards',
      department: 'HEALTH',
      description: '卫健/医保 awards to this person; null when the department cannot answer.',
      sharing: 'CONDITIONAL',
      sensitivity: 'HIGH',
    });
    expect(entries.find((e) => e.coordinate === 'Query.healthStatistics')).toMatchObject({ sharing: 'UNCONDITIONAL', sensitivity: 'LOW' });
    // A key every department resolves belongs to none of them.
    expect(entries.some((e) => e.coordinate === 'Person.id')).toBe(false);
    const all = await system.query('{ dataCatalogue { department } }', undefined, { caller: ANALYST });
    expect(new Set(all.data!.dataCatalogue.map((e: { department: string }) => e.department)).size).toBe(7);
    const anonymous = await system.query('{ dataCatalogue { coordinate } }', undefined, { headers: { authorization: '' } });
    expect(anonymous.status).toBe(401);
  });

  it('ships default agreements for the roles\' everyday work, listed with their history', async () => {
    const res = await system.query(LIST, { d: 'HEALTH', s: 'ACTIVE' }, { caller: HEALTH });
    expect(res.errors).toBeUndefined();
    const list = res.data!.sharingAgreements as Array<Record<string, any>>;
    const caseworkers = list.find((a) => a.id === 'default:CASEWORKER:HEALTH:MINIMUM_LIVING_REVIEW');
    expect(caseworkers).toMatchObject({ requester: 'CASEWORKER', owner: 'HEALTH', coordinates: ['*'], purpose: 'MINIMUM_LIVING_REVIEW', status: 'ACTIVE', builtIn: true });
    expect(caseworkers!.history).toEqual([expect.objectContaining({ action: 'APPROVED', by: 'system' })]);
    expect(list.some((a) => a.id === 'default:COORDINATION:HEALTH:STATISTICS')).toBe(true);
    expect(list.some((a) => a.id === 'default:LABOUR:HEALTH:EMPLOYMENT_AID_REVIEW')).toBe(true);
    expect(list.every((a) => a.owner === 'HEALTH' || a.requester === 'HEALTH')).toBe(true);
    const bad = await system.query(LIST, { s: 'SOMETIMES' }, { caller: HEALTH });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
  });

  it('takes a request from an officer for their department, and refuses what is wrong with it, naming it', async () => {
    const res = await ask(LABOUR, askHealth());
    expect(res.errors).toBeUndefined();
    expect(res.data!.requestSharing).toMatchObject({ requester: 'LABOUR', owner: 'HEALTH', coordinates: ['Person.healthAwards', 'HealthAward.*'], purpose: 'EMPLOYMENT_AID_REVIEW', status: 'REQUESTED', builtIn: false, requestedBy: LABOUR.sub });
    expect(res.data!.requestSharing.history).toEqual([{ action: 'REQUESTED', by: LABOUR.sub, office: 'LABOUR', note: '《社会救助暂行办法》第四十二条' }]);

    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ coordinates: ['Query.healthStatistics'] }, 'UNCONDITIONAL'],
      [{ coordinates: ['Person.labourAwards'] }, 'not a field of HEALTH'],
      [{ coordinates: ['Person.healthAwards; drop'] }, 'not a field coordinate'],
      [{ owner: 'LABOUR', coordinates: ['Person.labourAwards'] }, 'its own data'],
      [{ purpose: 'MEDICAL_AID_REVIEW' }, 'not one your role may declare'],
      [{ purpose: 'CURIOSITY' }, 'not a purpose on the list'],
      [{ legalBasis: '  ' }, 'legal basis is required'],
      [{ validUntil: '2020-01-01' }, 'in the past'],
      [{ validUntil: '2027-02-30' }, 'not a date'],
      [{ validFrom: '2027-01-02', validUntil: '2027-01-01' }, 'after validFrom'],
    ];
    for (const [change, message] of refusals) {
      const refused = await ask(LABOUR, askHealth(change));
      expect(codes(refused), JSON.stringify(change)).toEqual(['BAD_USER_INPUT']);
      expect(refused.errors![0]!.message).toContain(message);
    }
    for (const caller of [CASEWORKER, ANALYST]) {
      expect(codes(await ask(caller, askHealth({ purpose: 'STATISTICS' })))).toEqual(['FORBIDDEN']);
    }
    // The coordination office asks for itself.
    const office = await ask(COORDINATOR, askHealth({ purpose: 'SUPERVISION' }));
    expect(office.data?.requestSharing).toMatchObject({ requester: 'COORDINATION', status: 'REQUESTED' });
  });

  it('is decided by an officer of the owning department only, once', async () => {
    const id = await requested();
    for (const caller of [LABOUR, EDUCATION, COORDINATOR, CASEWORKER]) {
      const refused = await system.query(DECIDE, { id, approve: true, note: '同意' }, { caller });
      expect(codes(refused), caller.sub).toEqual(['FORBIDDEN']);
      expect(refused.data?.decideSharing ?? null).toBeNull();
    }
    expect(codes(await system.query(DECIDE, { id, approve: true, note: ' ' }, { caller: HEALTH }))).toEqual(['BAD_USER_INPUT']);
    // The same decision twice at once: one of them makes it, the other is told who did.
    const both = await Promise.all([1, 2].map(() => system.query(DECIDE, { id, approve: true, note: '同意，按最小必要原则使用' }, { caller: HEALTH })));
    expect(both.filter((r) => !r.errors).length).toBe(1);
    expect(both.flatMap((r) => codes(r) ?? [])).toEqual(['CONFLICT']);
    const approved = both.find((r) => !r.errors)!.data!.decideSharing;
    expect(approved).toMatchObject({ status: 'ACTIVE' });
    expect(approved.history.map((e: { action: string }) => e.action)).toEqual(['REQUESTED', 'APPROVED']);
    const again = await system.query(DECIDE, { id, approve: false, note: '改主意' }, { caller: HEALTH });
    expect(codes(again)).toEqual(['CONFLICT']);
    expect(again.errors![0]!.message).toContain(`is ACTIVE (APPROVED by ${HEALTH.sub} of HEALTH at `);

    const other = await requested();
    const rejected = await system.query(DECIDE, { id: other, approve: false, note: '依据不足' }, { caller: HEALTH });
    expect(rejected.data!.decideSharing).toMatchObject({ status: 'REJECTED', history: [expect.objectContaining({ action: 'REQUESTED' }), { action: 'REJECTED', by: HEALTH.sub, office: 'HEALTH', note: '依据不足' }] });
    expect(codes(await system.query(DECIDE, { id: 'sa-none', approve: true, note: 'x' }, { caller: HEALTH }))).toEqual(['NOT_FOUND']);
  });

  it('is revoked by the owner or the requester, not by anyone else, and a default too', async () => {
    const id = await requested();
    await system.query(DECIDE, { id, approve: true, note: '同意' }, { caller: HEALTH });
    for (const caller of [EDUCATION, CASEWORKER, COORDINATOR]) {
      expect(codes(await system.query(REVOKE, { id, note: '撤销' }, { caller })), caller.sub).toEqual(['FORBIDDEN']);
    }
    const revoked = await system.query(REVOKE, { id, note: '项目结束' }, { caller: LABOUR });
    expect(revoked.data!.revokeSharing).toMatchObject({ status: 'REVOKED' });
    expect(revoked.data!.revokeSharing.history.map((e: { action: string; note: string }) => `${e.action} ${e.note}`)).toEqual(['REQUESTED 《社会救助暂行办法》第四十二条', 'APPROVED 同意', 'REVOKED 项目结束']);
    expect(codes(await system.query(REVOKE, { id, note: '再撤销' }, { caller: HEALTH }))).toEqual(['CONFLICT']);

    // A shipped default is revocable by the owner like any other.
    const defaultId = 'default:ANALYST:HEALTH:STATISTICS';
    const byOwner = await system.query(REVOKE, { id: defaultId, note: '统计改用汇总数据' }, { caller: HEALTH });
    expect(byOwner.data!.revokeSharing).toMatchObject({ status: 'REVOKED', builtIn: true });
    const listed = await system.query(LIST, { d: 'HEALTH', s: 'REVOKED' }, { caller: COORDINATOR });
    expect(listed.data!.sharingAgreements.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining([id, defaultId]));
  });

  it('takes one of two changes of an agreement made at once, whole, and tells the other CONFLICT naming it', async () => {
    const agreementOf = async (id: string) => ((await system.query(LIST, { d: 'HEALTH' }, { caller: HEALTH })).data!.sharingAgreements as Array<Record<string, any>>).find((a) => a.id === id)!;
    const decide = (id: string, approve: boolean, note: string, caller: Caller = HEALTH) => () => system.query(DECIDE, { id, approve, note }, { caller });
    const colleague: Caller = { sub: 'he-sharing-2', role: 'DEPARTMENT_OFFICER', department: 'HEALTH' };
    // The same approval twice (a double click), two officers approving, an approval against a
    // rejection: two rounds each.
    for (let round = 0; round < 6; round++) {
      const id = await requested();
      const kind = round % 3;
      const moves: Array<[() => ReturnType<typeof system.query>, string]> = [
        [decide(id, true, `同意 ${round}`), 'APPROVED'],
        kind === 0 ? [decide(id, true, `同意 ${round}`), 'APPROVED'] : kind === 1 ? [decide(id, true, `同意 ${round}`, colleague), 'APPROVED'] : [decide(id, false, `依据不足 ${round}`), 'REJECTED'],
      ];
      const results = await Promise.all(moves.map(([send]) => send()));
      const winners = results.flatMap((r, i) => (r.errors ? [] : [i]));
      expect(winners, `round ${round}: ${JSON.stringify(results.map((r) => r.errors))}`).toHaveLength(1);
      const won = moves[winners[0]!]![1];
      const loser = results[1 - winners[0]!]!;
      expect(codes(loser)).toEqual(['CONFLICT']);
      expect(loser.errors![0]!.message).toContain(`(${won} by `);
      // Nothing of the loser is written: one change in the history, and the status it made.
      const agreement = await agreementOf(id);
      expect(agreement.history.map((h: { action: string }) => h.action)).toEqual(['REQUESTED', won]);
      expect(agreement.status).toBe(won === 'APPROVED' ? 'ACTIVE' : won);
    }
    // Two decisions in one operation: the first is taken, the second refused.
    const id = await requested();
    const res = await system.query(`mutation { yes: decideSharing(id: "${id}", approve: true, note: "同意") { status } no: decideSharing(id: "${id}", approve: false, note: "不同意") { status } }`, undefined, { caller: HEALTH });
    expect(codes(res)).toEqual(['CONFLICT']);
    expect(res.errors![0]!.message).toContain('(APPROVED by ');
    const agreement = await agreementOf(id);
    expect(agreement.history.map((h: { action: string; note: string }) => `${h.action} ${h.note}`)).toEqual(['REQUESTED 《社会救助暂行办法》第四十二条', 'APPROVED 同意']);
  });

  it('takes a decision written into the document as it takes one passed in variables: refused alike, recorded alike', async () => {
    const literal = (id: string, approve: boolean, text: string) => `mutation { decideSharing(id: ${JSON.stringify(id)}, approve: ${approve}, note: ${JSON.stringify(text)}) { ${AGREEMENT} } }`;
    const inFragment = (id: string) => `mutation { ...Decide } fragment Decide on Mutation { decideSharing(id: ${JSON.stringify(id)}, approve: true, note: "同意") { id status } }`;
    const both = async (caller: Caller, id: string, approve: boolean, text: string) => {
      const byVariables = await system.query(DECIDE, { id, approve, note: text }, { caller });
      const byLiteral = await system.query(literal(id, approve, text), undefined, { caller });
      return [byVariables, byLiteral] as const;
    };
    const id = await requested();
    // The requesting department's officer deciding their own request, the caseworker, a blank
    // note, an agreement that does not exist: the same refusal either way, and nothing decided.
    for (const [caller, target, text, code] of [
      [LABOUR, id, '同意', 'FORBIDDEN'],
      [CASEWORKER, id, '同意', 'FORBIDDEN'],
      [HEALTH, id, '  ', 'BAD_USER_INPUT'],
      [HEALTH, 'sa-none', '同意', 'NOT_FOUND'],
    ] as const) {
      const [byVariables, byLiteral] = await both(caller, target, true, text);
      expect([codes(byVariables), codes(byLiteral)], `${caller.sub} ${target}`).toEqual([[code], [code]]);
      expect(byLiteral.errors![0]!.message).toBe(byVariables.errors![0]!.message);
    }
    expect(codes(await system.query(inFragment(id), undefined, { caller: LABOUR }))).toEqual(['FORBIDDEN']);
    expect((await system.query(LIST, { d: 'LABOUR', s: 'REQUESTED' }, { caller: LABOUR })).data!.sharingAgreements.some((a: { id: string }) => a.id === id)).toBe(true);

    // Approved either way, the note kept to the character (quotes, a backslash, a line break).
    const text = '同意 "按需使用" \\ 限本项目\n（依据第四十二条）';
    const other = await requested();
    const byVariables = await system.query(DECIDE, { id, approve: true, note: text }, { caller: HEALTH });
    const byLiteral = await system.query(literal(other, true, text), undefined, { caller: HEALTH });
    for (const res of [byVariables, byLiteral]) {
      expect(res.errors).toBeUndefined();
      expect(res.data!.decideSharing).toMatchObject({ status: 'ACTIVE' });
      expect(res.data!.decideSharing.history.at(-1)).toEqual({ action: 'APPROVED', by: HEALTH.sub, office: 'HEALTH', note: text });
    }
    // Apart from what differs between two requests (their ids and the moments they were made).
    const strip = (a: Record<string, unknown>) => ({ ...a, id: undefined, validFrom: undefined, history: (a.history as Array<Record<string, unknown>>).map((h) => h.action) });
    expect(strip(byLiteral.data!.decideSharing)).toEqual(strip(byVariables.data!.decideSharing));
  });
});
