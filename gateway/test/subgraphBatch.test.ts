import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@saf/service';
import { SubgraphClient } from '../src/subgraphClient.ts';

/** A subgraph stand-in: answers each operation with its own name; refuses batches when told to. */
let server: http.Server;
let url: string;
const seen: unknown[] = [];
let refuseBatches = false;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { operationName: string } | { operationName: string }[];
      seen.push(body);
      res.setHeader('content-type', 'application/json');
      if (Array.isArray(body) && refuseBatches) {
        res.statusCode = 400;
        return res.end(JSON.stringify({ errors: [{ message: 'Operation batching disabled.' }] }));
      }
      const answer = (op: { operationName: string }) => ({ data: { name: op.operationName } });
      res.end(JSON.stringify(Array.isArray(body) ? body.map(answer) : answer(body)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function client(batchMax: number): SubgraphClient {
  return new SubgraphClient({
    name: 'labour', url, secret: Buffer.alloc(32, 1), log: createLogger('test', 'silent'),
    timeoutMs: 2000, retries: 0, retryBudget: 0.1, breakerFailures: 5, breakerFailureRate: 0.5, breakerCooldownMs: 1000, maxSockets: 4, batchMax,
  });
}

const fetchOp = (c: SubgraphClient, name: string, requestId = 'r1') =>
  c.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId }, body: JSON.stringify({ query: `query ${name} { x }`, operationName: name }) }).then((r) => r.json());

describe('batching of a subgraph client', () => {
  it('sends the fetches of one request that are ready at once together, and gives each its own answer', async () => {
    seen.length = 0;
    const c = client(8);
    expect(await Promise.all([fetchOp(c, 'A'), fetchOp(c, 'B'), fetchOp(c, 'C')])).toEqual([{ data: { name: 'A' } }, { data: { name: 'B' } }, { data: { name: 'C' } }]);
    expect(seen).toHaveLength(1);
    expect((seen[0] as unknown[]).length).toBe(3);
    c.close();
  });

  it('never puts fetches with different headers (another client request) in one batch, nor more than batchMax', async () => {
    seen.length = 0;
    const c = client(2);
    const answers = await Promise.all([fetchOp(c, 'A', 'r1'), fetchOp(c, 'B', 'r2'), fetchOp(c, 'C', 'r1'), fetchOp(c, 'D', 'r1')]);
    expect(answers.map((a) => (a as { data: { name: string } }).data.name)).toEqual(['A', 'B', 'C', 'D']);
    const sizes = seen.map((b) => (Array.isArray(b) ? b.map((o: { operationName: string }) => o.operationName).join('') : (b as { operationName: string }).operationName)).sort();
    expect(sizes).toEqual(['AC', 'B', 'D']);
    c.close();
  });

  it('sends each alone when the subgraph refuses a batch, so that each still gets its answer', async () => {
    seen.length = 0;
    refuseBatches = true;
    const c = client(8);
    expect(await Promise.all([fetchOp(c, 'A'), fetchOp(c, 'B')])).toEqual([{ data: { name: 'A' } }, { data: { name: 'B' } }]);
    expect(seen.map((b) => Array.isArray(b))).toEqual([true, false, false]);
    refuseBatches = false;
    c.close();
  });

  it('with batchMax 1 sends every fetch alone', async () => {
    seen.length = 0;
    const c = client(1);
    await Promise.all([fetchOp(c, 'A'), fetchOp(c, 'B')]);
    expect(seen.every((b) => !Array.isArray(b))).toBe(true);
    expect(seen).toHaveLength(2);
    c.close();
  });
});
