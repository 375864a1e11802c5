import { copyFile, mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '@saf/config';
import { composeSupergraph } from '../scripts/compose.ts';
import { startSystem, type System } from './support/system.ts';

const committed = fileURLToPath(new URL('../gateway/supergraph.graphql', import.meta.url));

describe('supergraph reload', () => {
  let system: System;
  let file: string;

  beforeAll(async () => {
    // Start on a supergraph without the coordination office: no `awards` field yet.
    const partial = composeSupergraph(SERVICES.filter((s) => s.name !== 'coordination').map((s) => s.name));
    if ('errors' in partial) throw new Error(partial.errors.join('\n'));
    file = path.join(await mkdtemp(path.join(tmpdir(), 'saf-sg-')), 'supergraph.graphql');
    await writeFile(file, partial.supergraphSdl);
    system = await startSystem({ env: { SUPERGRAPH_PATH: file } });
  });
  afterAll(() => system?.stop());

  it('picks up a new supergraph file without a restart or a failed request', async () => {
    const query = '{ person(id: "11010519491231002X") { id awards { id } } }';
    const before = await system.query(query);
    expect(before.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    // Keep requests flowing while the file is replaced (as `mv` does, atomically).
    let stop = false;
    const statuses: number[] = [];
    const traffic = (async () => {
      while (!stop) statuses.push((await system.query('{ household(id: "none") { id } }')).status);
    })();
    const next = `${file}.next`;
    await copyFile(committed, next);
    await rename(next, file);

    let after = await system.query(query);
    for (let i = 0; i < 100 && after.errors; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await system.query(query);
    }
    stop = true;
    await traffic;
    expect(after.errors).toBeUndefined();
    expect(after.data).toEqual({ person: null });
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it('keeps the running schema when the new file is broken', async () => {
    await writeFile(file, 'this is not a supergraph');
    await new Promise((r) => setTimeout(r, 500));
    const res = await system.query('{ person(id: "11010519491231002X") { id awards { id } } }');
    expect(res.errors).toBeUndefined();
  });
});
