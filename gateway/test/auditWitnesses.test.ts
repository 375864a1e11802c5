import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@saf/service';
import { createCheckpointForwarder, type Witness } from '../src/auditWitnesses.ts';

const h = (c: string) => c.repeat(64);

describe('handing the access log’s head to the witnesses', () => {
  /** What each fake witness received, and whether it answers 200. */
  const received = new Map<string, { path: string; body: { seq: number; hash: string }; signature: string | undefined }[]>();
  const failing = new Set<string>();
  let server: http.Server;
  let base = '';
  const witness = (name: string): Witness => ({
    name,
    url: () => `${base}/${name}/graphql`,
    sign: (path, body) => ({ 'x-test-signature': `${path} ${body}` }),
  });

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        const name = req.url!.split('/')[1]!;
        received.set(name, [...(received.get(name) ?? []), { path: req.url!, body: JSON.parse(text), signature: req.headers['x-test-signature'] as string | undefined }]);
        res.writeHead(failing.has(name) ? 500 : 200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  beforeEach(() => {
    received.clear();
    failing.clear();
  });
  const seqs = (name: string) => (received.get(name) ?? []).map((r) => r.body.seq);

  it('sends the first head at once, then only the latest once the interval allows, to every witness, signed', async () => {
    const forwarder = createCheckpointForwarder({ witnesses: [witness('labour'), witness('health')], intervalMs: 3_600_000, log: createLogger('gateway', 'silent') });
    try {
      forwarder.offer({ seq: 1, hash: h('a') });
      await expect.poll(() => seqs('labour').length + seqs('health').length).toBe(2);
      forwarder.offer({ seq: 2, hash: h('b') });
      forwarder.offer({ seq: 3, hash: h('c') });
      // An older head arriving late (another write's answer) never replaces a newer one.
      forwarder.offer({ seq: 2, hash: h('b') });
      await forwarder.flush();
      expect(seqs('labour')).toEqual([1, 3]);
      expect(seqs('health')).toEqual([1, 3]);
      const last = received.get('labour')!.at(-1)!;
      expect(last).toEqual({ path: '/labour/witness/checkpoint', body: { seq: 3, hash: h('c') }, signature: `/labour/witness/checkpoint ${JSON.stringify({ seq: 3, hash: h('c') })}` });
      // Nothing new: nothing sent.
      await forwarder.flush();
      expect(seqs('labour')).toEqual([1, 3]);
    } finally {
      forwarder.close();
    }
  });

  it('offers a witness that failed the then latest head again, and does not resend to the others', async () => {
    const forwarder = createCheckpointForwarder({ witnesses: [witness('labour'), witness('justice')], intervalMs: 3_600_000, log: createLogger('gateway', 'silent') });
    try {
      failing.add('justice');
      forwarder.offer({ seq: 5, hash: h('e') });
      await forwarder.flush();
      expect(seqs('labour')).toEqual([5]);
      expect(seqs('justice')).toEqual([5]);
      failing.delete('justice');
      await forwarder.flush();
      expect(seqs('labour')).toEqual([5]);
      expect(seqs('justice')).toEqual([5, 5]);
    } finally {
      forwarder.close();
    }
  });

  it('with no interval, every witness ends with the latest of a burst of heads', async () => {
    const forwarder = createCheckpointForwarder({ witnesses: [witness('labour'), witness('housing')], intervalMs: 0, log: createLogger('gateway', 'silent') });
    try {
      for (let seq = 1; seq <= 20; seq++) forwarder.offer({ seq, hash: h('f') });
      await expect.poll(() => [seqs('labour').at(-1), seqs('housing').at(-1)]).toEqual([20, 20]);
      // Coalesced: one send at a time, so the burst is not twenty sends.
      expect(seqs('labour').length).toBeLessThan(20);
    } finally {
      forwarder.close();
    }
  });
});
