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
