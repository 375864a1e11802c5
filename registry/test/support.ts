import { fileURLToPath } from 'node:url';
import { registryCredential } from '@saf/auth';
import { SERVICES } from '@saf/config';
import { closeServer, createLogger, listen, readSubgraphSDL } from '@saf/service';
import { createTestDatabase, type TestDatabase, type TestDbMode } from '@saf/testing';
import { registryClient } from '../src/client.ts';
import { createRegistry, type RegistryOptions } from '../src/server.ts';

export const MIGRATIONS = fileURLToPath(new URL('../drizzle', import.meta.url));

export interface RunningRegistry {
  url: string;
  database: TestDatabase;
  /** Requests signed as `party` (a service, `gateway` or `operator`). */
  as(party: string): ReturnType<typeof registryClient>;
  stop(): Promise<void>;
  /** Starts it again on the same port and database (after `stop`). */
  restart(): Promise<void>;
}

/** The registry on a free port with its own database (`env`: the parties' credentials, default the development ones). */
export async function startRegistry(options: { env?: NodeJS.ProcessEnv; mode?: TestDbMode; port?: number } & Partial<Pick<RegistryOptions, 'usageDays'>> = {}): Promise<RunningRegistry> {
  const env = options.env ?? { NODE_ENV: 'test' };
  const database = await createTestDatabase('registry', MIGRATIONS, { mode: options.mode });
  const start = async (port: number) => {
    const registry = createRegistry({ database, log: createLogger('registry', 'silent'), env, ...(options.usageDays ? { usageDays: options.usageDays } : {}) });
    return { registry, port: await listen(registry.http, port, '127.0.0.1') };
  };
  let running = await start(options.port ?? 0);
  const url = `http://127.0.0.1:${running.port}`;
  let stopped = false;
  return {
    url,
    database,
    as: (party) => registryClient({ url, party, secret: registryCredential(party, env, env.NODE_ENV) }),
    stop: async () => {
      stopped = true;
      // Down at once, as a crashed registry is: the gateways' keep-alive connections too.
      const closing = closeServer(running.registry.http);
      running.registry.http.closeAllConnections();
      await closing;
    },
    restart: async () => {
      if (stopped) running = await start(running.port);
      stopped = false;
    },
  };
}

/** Our own subgraphs' schemas as they serve them (with the catalogue's enums). */
export function ownSchema(name: string): string {
  return readSubgraphSDL(new URL(`../../subgraphs/${name}/schema.graphql`, import.meta.url));
}

/** Publishes every subgraph of this repository at `urlOf(name)`. */
export async function publishOwn(registry: RunningRegistry, urlOf: (name: string) => string, only: readonly string[] = SERVICES.map((s) => s.name)): Promise<void> {
  for (const name of only) {
    const res = await registry.as(name)(`/services/${name}/versions`, { body: { sdl: ownSchema(name), url: urlOf(name), publishedBy: 'test' } });
    if (res.status >= 300) throw new Error(`publishing ${name}: ${res.status} ${await res.text()}`);
  }
}
