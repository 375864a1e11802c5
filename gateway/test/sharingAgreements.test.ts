import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SharingGrant } from '@saf/auth';
import { createLogger } from '@saf/service';
import { createSharingEnforcement, type SharingEnforcement } from '../src/sharing.ts';

const grant = (id: string): SharingGrant => ({ id, requester: 'LABOUR', owner: 'HEALTH', coordinates: ['Person.healthAwards'], purpose: 'EMPLOYMENT_AID_REVIEW', validFrom: 0, validUntil: Date.now() + 86_400_000 });

/** The coordination office's `/sharing/grants`, as the gateway reads it with its change stream down; `up: false` cuts every request. */
async function office() {
  const state = { up: true, reads: 0, generation: 1, grants: [grant('sa-1')], delayMs: 0 };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (!state.up) return void req.socket.destroy();
      state.reads++;
      // What is in force when the request arrives, answered after delayMs (a slow office).
      const body = JSON.stringify({ version: `boot.${state.generation}`, grants: state.grants });
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      }, state.delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return Object.assign(state, {
    url,
    change(grants: SharingGrant[]) {
      state.grants = grants;
      state.generation++;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ids = (s: Awaited<ReturnType<SharingEnforcement['current']>>) => s?.all.map((g) => g.id) ?? null;

describe('the agreements a gateway decides by while its change stream is down', () => {
  const opened: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of opened.splice(0)) await close();
  });
  async function gatewayOn(ttlMs: number) {
    const o = await office();
    const sharing = createSharingEnforcement({
      coordinationUrl: () => o.url,
      sign: () => ({}),
      log: createLogger('gateway', 'silent'),
      ttlMs,
      watch: false,
      usageFlushMs: 60_000,
      spikes: { windowMs: 60_000, factor: 10, floor: 200 },
    });
    opened.push(() => sharing.close(), () => o.close());
    return { o, sharing };
  }

  it('are never older than the TTL, however long the gateway was idle; read in the background from half the TTL', async () => {
    const { o, sharing } = await gatewayOn(400);
    expect(ids(await sharing.current())).toEqual(['sa-1']);
    expect(ids(await sharing.current())).toEqual(['sa-1']);
    expect(o.reads).toBe(1);
    // Revoked at the office; the next request comes after the TTL: it is decided by a new read.
    o.change([]);
    await sleep(450);
    expect(ids(await sharing.current())).toEqual([]);
    expect(o.reads).toBe(2);
    // Past half the TTL: answered from what is held, and read again meanwhile.
    o.change([grant('sa-2')]);
    await sleep(250);
    expect(ids(await sharing.current())).toEqual([]);
    await sleep(50);
    expect(o.reads).toBe(3);
    expect(ids(await sharing.current())).toEqual(['sa-2']);
  });

  it('refuse everything (null) while they could never be read, and are read again a second after a failure', async () => {
    const { o, sharing } = await gatewayOn(400);
    o.up = false;
    expect(await sharing.current()).toBeNull();
    expect(await sharing.current()).toBeNull();
    o.up = true;
    await sleep(1_100);
    expect(ids(await sharing.current())).toEqual(['sa-1']);
    // The office down again later: the last known are kept, a read tried at most once a second.
    o.up = false;
    o.change([]);
    await sleep(450);
    expect(ids(await sharing.current())).toEqual(['sa-1']);
    const reads = o.reads;
    o.up = true;
    expect(ids(await sharing.current())).toEqual(['sa-1']);
    expect(o.reads).toBe(reads);
  });

  it('after a change made through this gateway, wait for a read begun after it, not one already under way', async () => {
    const { o, sharing } = await gatewayOn(60_000);
    expect(ids(await sharing.current())).toEqual(['sa-1']);
    o.delayMs = 300;
    // A first change through the gateway: its read is under way when a second change is made.
    sharing.invalidate();
    const first = sharing.current();
    await sleep(50);
    o.change([]);
    sharing.invalidate();
    const second = sharing.current();
    expect(ids(await first)).toEqual(['sa-1']);
    expect(ids(await second)).toEqual([]);
    expect(o.reads).toBe(3);
  });
});
