/**
 * The container health check (Dockerfile HEALTHCHECK): exit 0 when the service this container runs
 * (`SERVICE`) answers /health/ready on its own port, 1 otherwise.
 */
import { z } from 'zod';
import { commonEnv, envPrefix, parseEnv, service } from '@saf/config';

const TIMEOUT_MS = 3000;

function ownPort(): number {
  const env = parseEnv(commonEnv.extend({ SERVICE: z.string().default('gateway') }));
  if (env.SERVICE === 'gateway') return env.GATEWAY_PORT;
  // keep in sync with subgraphConfig (packages/department/src/subgraph.ts): <PREFIX>_PORT, else base + offset.
  const key = `${envPrefix(env.SERVICE)}_PORT`;
  const own = parseEnv(z.object({ [key]: z.coerce.number().int().min(1).max(65535).optional() })) as Record<string, number | undefined>;
  // The schema registry's default as registry/src/config.ts sets it.
  if (env.SERVICE === 'registry') return own[key] ?? env.SUBGRAPH_PORT_BASE + 20;
  return own[key] ?? env.SUBGRAPH_PORT_BASE + service(env.SERVICE).portOffset;
}

async function main(): Promise<number> {
  const url = `http://127.0.0.1:${ownPort()}/health/ready`;
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (response.ok) return 0;
  process.stderr.write(`${url}: ${response.status} ${await response.text()}\n`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`health check failed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
