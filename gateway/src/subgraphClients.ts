import { subgraphSigningSecret } from '@saf/auth';
import type { Logger } from '@saf/service';
import { subgraphPolicy, type GatewayConfig } from './config.ts';
import { SubgraphClient } from './subgraphClient.ts';
import { resolveSubgraphUrl } from './subgraphUrls.ts';

/**
 * One client per subgraph for the gateway's lifetime: a supergraph reload builds new data
 * sources, but the connections, the breaker's state and the retry budget carry over while the
 * subgraph's URL stays the same.
 */
export function createSubgraphClients(config: GatewayConfig, log: Logger) {
  const clients = new Map<string, SubgraphClient>();
  return {
    get(name: string, supergraphUrl: string | undefined): SubgraphClient {
      let url: string;
      try {
        url = resolveSubgraphUrl(name, supergraphUrl, config.env, config.SUBGRAPH_PORT_BASE, config.NODE_ENV === 'production');
      } catch (err) {
        // The rest of the graph still serves; this subgraph's part answers SUBGRAPH_UNAVAILABLE
        // (an `.invalid` host never resolves) until it is configured or published.
        log.error({ subgraph: name, err: (err as Error).message }, 'subgraph has no URL');
        url = `http://${name}.subgraph.invalid/graphql`;
      }
      const known = clients.get(name);
      if (known?.url === url) return known;
      // A moved subgraph: the old client's idle connections time out on their own.
      const client = new SubgraphClient({ name, url, secret: subgraphSigningSecret(name, config.env, config.NODE_ENV), log, ...subgraphPolicy(config, name) });
      clients.set(name, client);
      return client;
    },
    close(): void {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
}
