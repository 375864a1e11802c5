/**
 * `npm run registry:prune`: deletes the schema registry's operation records last seen before the
 * retention window (REGISTRY_USAGE_RETENTION_DAYS, at least REGISTRY_USAGE_DAYS), as the registry
 * does itself every REGISTRY_PRUNE_HOURS. Signed as the platform's operator (OPERATOR_REGISTRY_SECRET,
 * or derived from REGISTRY_SECRET). Prints how many went; exit 1 when the registry refuses.
 */
import { z } from 'zod';
import { registryCredential } from '@saf/auth';
import { commonEnv, parseEnv } from '@saf/config';
import { registryClient } from '@saf/registry/client';

async function main(): Promise<number> {
  const config = parseEnv(commonEnv.extend({ REGISTRY_URL: z.string().url().optional() }), process.env);
  const url = config.REGISTRY_URL ?? `http://127.0.0.1:${config.SUBGRAPH_PORT_BASE + 20}`;
  const send = registryClient({ url, party: 'operator', secret: registryCredential('operator', process.env, config.NODE_ENV) });
  const res = await send('/usage/prune', { method: 'POST', body: {} });
  const body = (await res.json().catch(() => ({}))) as { pruned?: number; retentionDays?: number; error?: string };
  if (res.status !== 200) {
    process.stderr.write(`registry:prune: refused (${res.status}): ${body.error ?? 'no reason given'}\n`);
    return 1;
  }
  process.stdout.write(`pruned ${body.pruned} operation record(s) last seen more than ${body.retentionDays} days ago\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`npm run registry:prune: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
