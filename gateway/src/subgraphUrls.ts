import { SERVICES, subgraphUrl } from '@saf/config';
import { envPrefix } from '@saf/config';

/**
 * Where the gateway sends a subgraph's requests: `<NAME>_URL` when set, our own subgraphs at
 * SUBGRAPH_PORT_BASE + offset, otherwise the URL written in the supergraph file.
 */
export function resolveSubgraphUrl(name: string, fileUrl: string | undefined, env: NodeJS.ProcessEnv, portBase: number): string {
  const override = env[`${envPrefix(name)}_URL`];
  if (override) return override;
  if (SERVICES.some((s) => s.name === name)) return subgraphUrl(name, env, portBase);
  if (!fileUrl) throw new Error(`no URL for subgraph ${name}: set ${envPrefix(name)}_URL`);
  return fileUrl;
}
