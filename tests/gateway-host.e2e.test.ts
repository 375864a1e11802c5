/**
 * Issue 25, hole 12: outside production the gateway accepts the development key and mints tokens
 * for anyone at `/dev/token`, so unless told otherwise it listens on loopback only; in production
 * (behind a load balancer, in a container) on every interface. The gateway runs as `npm start`
 * runs it, as its own process. 127.0.0.2 is another address of this machine's loopback: a server
 * bound to 127.0.0.1 refuses it, one bound to every interface answers it (as it would any interface).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { gatewayConfig } from '@saf/gateway/config';
import { freePort, spawnService, waitReady, type ServiceProcess } from './support/processes.ts';

const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_PUBLIC_KEY: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  JWT_ISSUER: 'https://idp.example.gov.cn',
  SUBGRAPH_SIGNING_SECRET: randomBytes(32).toString('base64'),
};

async function answers(host: string, port: number): Promise<boolean> {
  try {
    return (await fetch(`http://${host}:${port}/health/live`)).ok;
  } catch {
    return false;
  }
}

describe('the interface the gateway listens on', () => {
  const processes: ServiceProcess[] = [];
  afterAll(async () => {
    for (const p of processes) await p.stop();
  });

  async function gateway(env: Record<string, string>): Promise<{ port: number; host: unknown }> {
    const port = await freePort();
    const p = spawnService('gateway/src/index.ts', { GATEWAY_PORT: String(port), LOG_LEVEL: 'info', ...env });
    processes.push(p);
    const ready = await p.logged((l) => typeof l.msg === 'string' && l.msg.startsWith('gateway ready'), 120_000);
    await waitReady(`http://127.0.0.1:${port}/health/live`);
    return { port, host: ready.host };
  }

  it('is loopback by default outside production, all interfaces in production, and GATEWAY_HOST when set', () => {
    expect(gatewayConfig({ NODE_ENV: 'development' }).GATEWAY_HOST).toBe('127.0.0.1');
    expect(gatewayConfig({ NODE_ENV: 'test' }).GATEWAY_HOST).toBe('127.0.0.1');
    expect(gatewayConfig({}).GATEWAY_HOST).toBe('127.0.0.1');
    expect(gatewayConfig({ NODE_ENV: 'production' }).GATEWAY_HOST).toBe('0.0.0.0');
    expect(gatewayConfig({ NODE_ENV: 'development', GATEWAY_HOST: '0.0.0.0' }).GATEWAY_HOST).toBe('0.0.0.0');
    expect(gatewayConfig({ NODE_ENV: 'production', GATEWAY_HOST: '10.0.0.5' }).GATEWAY_HOST).toBe('10.0.0.5');
    expect(gatewayConfig({ NODE_ENV: 'development', GATEWAY_HOST: '' }).GATEWAY_HOST).toBe('127.0.0.1');
  });

  it('a development gateway answers on loopback only, its /dev/token with it', async () => {
    const { port, host } = await gateway({ NODE_ENV: 'development' });
    expect(await answers('127.0.0.1', port)).toBe(true);
    expect(await answers('127.0.0.2', port)).toBe(false);
    const token = await fetch(`http://127.0.0.2:${port}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"role":"COORDINATOR"}' }).catch(() => null);
    expect(token).toBeNull();
    expect(host).toBe('127.0.0.1');
  });

  it('a development gateway told GATEWAY_HOST=0.0.0.0, and a production gateway, answer on every interface', async () => {
    const told = await gateway({ NODE_ENV: 'development', GATEWAY_HOST: '0.0.0.0' });
    const production = await gateway(PRODUCTION);
    for (const g of [told, production]) {
      expect(await answers('127.0.0.2', g.port)).toBe(true);
      expect(g.host).toBe('0.0.0.0');
    }
  });
});
