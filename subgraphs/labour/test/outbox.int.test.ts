import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeResidentId } from '@saf/identity';
import { ingest, signedFetch, startSubgraph, type StartedSubgraph } from '@saf/testing';
import { createServer } from '../src/server.ts';

// Labour's outbox (动态管理, SPEC section 10): a new income record is an event, written in the
// load's transaction, kept until the coordination office acknowledges it, and read by it alone.

const person = makeResidentId('654021', '1980-02-02', 7);
const income = (id: string, monthlyFen: number) => ({ type: 'income', id, department: 'LABOUR', personId: person, source: 'WAGE', monthlyFen, startDate: '2026-01-01', endDate: null });

describe('labour’s outbox', () => {
  let sg: StartedSubgraph;
  const outbox = (from = 'coordination') => signedFetch(`${sg.base}/outbox?limit=50`, sg.secret, { method: 'GET', from, to: 'labour', caller: null });
  const ack = (seqs: number[]) => signedFetch(`${sg.base}/outbox/ack`, sg.secret, { body: JSON.stringify({ seqs }), from: 'coordination', to: 'labour', caller: null });
  beforeAll(async () => {
    sg = await startSubgraph('labour', createServer, new URL('../', import.meta.url));
  });
  afterAll(() => sg?.stop());

  it('records a new income once, not a re-load or a change, and keeps it until acknowledged', async () => {
    expect(await ingest(sg, [income('RS-OB-1', 100_000)])).toMatchObject({ status: 200 });
    expect(await ingest(sg, [income('RS-OB-1', 100_000)])).toMatchObject({ status: 200 });
    expect(await ingest(sg, [income('RS-OB-1', 120_000)])).toMatchObject({ status: 200 });
    const first = (await (await outbox()).json()) as { events: { seq: number; kind: string; personId: string; recordId: string; eventDate: string }[] };
    expect(first.events).toEqual([{ seq: expect.any(Number), kind: 'INCOME', personId: person, recordId: 'RS-OB-1', eventDate: '2026-01-01' }]);
    // Read again before an acknowledgement (the office could not finish): still there.
    expect(((await (await outbox()).json()) as { events: unknown[] }).events).toHaveLength(1);
    expect(await (await ack(first.events.map((e) => e.seq))).json()).toEqual({ acknowledged: 1 });
    expect(((await (await outbox()).json()) as { events: unknown[] }).events).toEqual([]);
    expect(await (await ack(first.events.map((e) => e.seq))).json()).toEqual({ acknowledged: 0 });
  });

  it('answers the coordination office only', async () => {
    for (const from of ['gateway', 'loader']) expect((await outbox(from)).status, from).toBe(403);
    expect((await fetch(`${sg.base}/outbox`)).status).toBe(401);
    expect((await signedFetch(`${sg.base}/outbox/ack`, sg.secret, { body: JSON.stringify({ seqs: ['1; DROP TABLE outbox'] }), from: 'coordination', to: 'labour', caller: null })).status).toBe(400);
  });
});
