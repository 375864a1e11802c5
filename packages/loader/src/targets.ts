import { subgraphSigningSecret } from '@saf/auth';
import { SERVICES, subgraphUrl } from '@saf/config';
import type { Department } from '@saf/programmes';

/** Each department's ingest base URL, from the same variables `npm start` reads. */
export function ingestTargets(env: NodeJS.ProcessEnv, portBase: number): Record<Department, string> {
  const targets = {} as Record<Department, string>;
  for (const s of SERVICES) {
    if (s.department) targets[s.department] = subgraphUrl(s.name, env, portBase).replace(/\/graphql\/?$/, '');
  }
  return targets;
}

/** Each department's signing secret, from the same variables the services read. */
export function ingestSecrets(env: NodeJS.ProcessEnv, nodeEnv: string | undefined): Record<Department, Buffer> {
  const secrets = {} as Record<Department, Buffer>;
  for (const s of SERVICES) if (s.department) secrets[s.department] = subgraphSigningSecret(s.name, env, nodeEnv);
  return secrets;
}
