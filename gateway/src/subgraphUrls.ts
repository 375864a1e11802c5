import { SERVICES, envPrefix, subgraphUrl } from '@saf/config';

/** The URLs `npm run compose` writes: no address (RFC 6761: `.invalid` never resolves), the gateway's configuration gives it. */
export function isPlaceholderUrl(url: string): boolean {
  try {
    return new URL(url).hostname.endsWith('.invalid');
  } catch {
    return true;
  }
}

/**
 * Where the gateway sends a subgraph's requests: `<NAME>_URL` when set; else the URL the
 * supergraph gives it (a service's URL as published to the schema registry), unless it is a
 * placeholder; else, outside production only, our own subgraphs at SUBGRAPH_PORT_BASE + offset.
 * A subgraph's name alone never routes anywhere in production.
 */
export function resolveSubgraphUrl(name: string, supergraphUrl: string | undefined, env: NodeJS.ProcessEnv, portBase: number, production = false): string {
  const override = env[`${envPrefix(name)}_URL`];
  if (override) return override;
  if (supergraphUrl && !isPlaceholderUrl(supergraphUrl)) return supergraphUrl;
  if (!production && SERVICES.some((s) => s.name === name)) return subgraphUrl(name, env, portBase);
  throw new Error(`no URL for subgraph ${name}: set ${envPrefix(name)}_URL or publish it to the schema registry${production ? ' (production has no local default)' : ''}`);
}

/** Each subgraph's URL as a supergraph's `join__graph` values give it. */
export function supergraphUrls(supergraphSdl: string): Map<string, string> {
  const urls = new Map<string, string>();
  for (const m of supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g)) urls.set(m[1]!, m[2]!);
  return urls;
}
