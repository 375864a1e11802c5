import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryConfig } from '../src/config.ts';
import { operationUsage, registeredOperations } from '../src/db/schema.ts';
import { pruneUsage } from '../src/usage.ts';
import { startRegistry, type RunningRegistry } from './support.ts';

// Issue 30: operation records older than the retention window are deleted, by the registry's own
// job (pruneUsage) or the operator's command; registered operations stay.
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
const op = (name: string, lastSeen: string) => ({ name, document: `query ${name} { __typename }`, client: 'console', count: 1, lastSeen });

describe('schema registry: pruning the operation records', () => {
  let registry: RunningRegistry;
  const names = async () => (await registry.database.db.select().from(operationUsage)).map((r) => r.name).sort();
  const report = (operations: ReturnType<typeof op>[]) => registry.as('gateway')('/usage', { body: { operations } });
  beforeAll(async () => {
    registry = await startRegistry({ usageDays: 30 });
  });
  afterAll(async () => {
    await registry?.stop();
    await registry?.database.dispose();
  });

  it('deletes only the records last seen before the window; a record seen again stays', async () => {
    expect((await report([op('Old', daysAgo(45)), op('Recent', daysAgo(5)), op('SeenAgain', daysAgo(60))])).status).toBe(200);
    expect((await report([op('SeenAgain', daysAgo(1))])).status).toBe(200);
    expect(await pruneUsage(registry.database.db, 30)).toBe(1);
    expect(await names()).toEqual(['Recent', 'SeenAgain']);
    expect(await pruneUsage(registry.database.db, 30)).toBe(0);
  });

  it('is the operator\'s command: refused to anyone else; registered operations stay', async () => {
    expect((await registry.as('operator')('/operations', { body: { client: '统计月报', name: 'Registered', document: 'query Registered { __typename }' } })).status).toBe(201);
    expect((await report([op('Older', daysAgo(40))])).status).toBe(200);
    for (const party of ['gateway', 'labour']) expect((await registry.as(party)('/usage/prune', { method: 'POST', body: {} })).status, party).toBe(403);
    const run = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../scripts/registry-prune.ts', import.meta.url))], { env: { ...process.env, NODE_ENV: 'test', REGISTRY_URL: registry.url } }, (err, stdout) => resolve({ code: err ? 1 : 0, stdout })),
    );
    expect(run).toEqual({ code: 0, stdout: 'pruned 1 operation record(s) last seen more than 30 days ago\n' });
    expect(await names()).toEqual(['Recent', 'SeenAgain']);
    expect((await registry.database.db.select().from(registeredOperations)).map((r) => r.name)).toEqual(['Registered']);
  });

  it('keeps at least the usage window: a shorter retention is a configuration error', () => {
    expect(registryConfig({ REGISTRY_USAGE_DAYS: '30' }).retentionDays).toBe(30);
    expect(registryConfig({ REGISTRY_USAGE_DAYS: '30', REGISTRY_USAGE_RETENTION_DAYS: '400' }).retentionDays).toBe(400);
    expect(() => registryConfig({ REGISTRY_USAGE_DAYS: '30', REGISTRY_USAGE_RETENTION_DAYS: '7' })).toThrow(/REGISTRY_USAGE_RETENTION_DAYS: must be at least REGISTRY_USAGE_DAYS/);
  });
});
