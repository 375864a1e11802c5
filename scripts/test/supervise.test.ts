import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StartError, Supervisor } from '../supervise.ts';

// npm start's supervisor: the services start while the embedded databases still open, so the
// databases' process dying meanwhile must fail the start naming it (not leave the services
// waiting for START_TIMEOUT_S); and an entry given compiled runs on plain Node.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('Supervisor.startAll', () => {
  it('fails the start naming a needed service that exits while the others start', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'saf-supervise-'));
    const databases = path.join(dir, 'databases.mjs');
    const service = path.join(dir, 'service.mjs');
    writeFileSync(databases, "console.log('listening'); setTimeout(() => { console.error('cannot open labour'); process.exit(3); }, 1500);\n");
    writeFileSync(service, 'setInterval(() => {}, 1000);\n');
    const lines: string[] = [];
    const supervisor = new Supervisor({ root: ROOT, readyTimeoutMs: 120_000, out: (l) => lines.push(l), err: (l) => lines.push(l), compiled: new Map([['databases', databases], ['service', service]]) });
    const db = supervisor.add('databases', 'databases', '', { readyLine: 'listening', stopLast: true });
    await supervisor.startAll([db]);
    // Never ready (no HTTP server): only the databases' exit can end this wait early.
    const svc = supervisor.add('labour', 'service', 'http://127.0.0.1:9');
    const failed = await supervisor.startAll([svc], [db]).then(
      () => null,
      (err: unknown) => err,
    );
    await supervisor.stop(2_000);
    expect(failed).toBeInstanceOf(StartError);
    expect((failed as StartError).service.name).toBe('databases');
    expect((failed as StartError).message).toBe('databases stopped while the others started (exit 3)');
    expect((failed as StartError).service.lastLines()).toContain('cannot open labour');
  }, 60_000);
});
