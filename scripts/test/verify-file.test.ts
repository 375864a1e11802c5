import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// `npm run verify` pointed at a port where no gateway runs says what to do, not `fetch failed`.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A loopback port nothing listens on (just closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm run verify without a gateway', () => {
  it('names the address it tried and what to do', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'saf-verify-')), 'one.ndjson');
    writeFileSync(file, '{"type":"household","id":"H1"}\n');
    const port = await closedPort();
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify-file.ts', file], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GATEWAY_PORT: String(port), NODE_ENV: 'development' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`the gateway at http://127.0.0.1:${port}/graphql does not answer (ECONNREFUSED)`);
    expect(run.stderr).toContain('GATEWAY_PORT');
  }, 60_000);
});
