import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ephemeralLow, freePort, freePortBase, portFree } from '../src/ports.ts';

describe('freePortBase', () => {
  it('returns a run of free ports wholly below the ephemeral range, where no outgoing connection can take one', async () => {
    for (let round = 0; round < 5; round++) {
      const base = await freePortBase(9);
      expect(base).toBeGreaterThan(1_024);
      expect(base + 9).toBeLessThan(ephemeralLow());
      for (let port = base; port <= base + 9; port++) expect(await portFree(port)).toBe(true);
    }
  });

  it('never hands out the same port twice, though nothing listens on either yet', async () => {
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    expect(new Set(ports).size).toBe(50);
    const base = await freePortBase(9);
    for (const port of ports) expect(port < base || port > base + 9).toBe(true);
  });

  it('sees a port someone listens on as taken', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      expect(await portFree(port)).toBe(false);
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(await portFree(port)).toBe(true);
  });
});
