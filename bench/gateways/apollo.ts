/**
 * The comparison gateway "plain Apollo": `@apollo/gateway` + `@apollo/server` with default options
 * (`startStandaloneServer`) on the same supergraph file. No auth, no access log, no limits.
 *
 * The one thing it must add to talk to our subgraphs at all: they refuse unsigned requests (SPEC
 * section 8), so its data source signs each request (HMAC over the exact body, as
 * gateway/src/dataSource.ts does) with a fixed caller, since this gateway verifies no token. The
 * subclass keeps Apollo's default fetcher (make-fetch-happen) and changes nothing else; the URL
 * map is needed because the committed supergraph names `.invalid` hosts.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GATEWAY, createRequestSigner, parseCaller, subgraphSigningSecret, type Caller } from '@saf/auth';
import { subgraphUrl } from '@saf/config';
import { benchGatewayEnv } from './env.ts';

class SigningDataSource extends RemoteGraphQLDataSource {
  constructor(name: string, url: string, secret: Buffer, caller: Caller) {
    super({ url });
    const fetcher = this.fetcher;
    // It stands in for our gateway, so it signs as the gateway does.
    const sign = createRequestSigner({ secret, from: GATEWAY, to: name });
    this.fetcher = ((input: string, init: { method?: string; body?: string; headers?: Record<string, string> }) => {
      const signed = sign({ method: init.method ?? 'POST', path: new URL(input).pathname, body: init.body ?? '', caller });
      return fetcher(input, { ...init, headers: { ...init.headers, ...signed } });
    }) as unknown as typeof fetcher;
  }
}

async function main(): Promise<void> {
  const env = benchGatewayEnv();
  const caller = parseCaller(JSON.parse(env.BENCH_CALLER));
  if (!caller.ok) throw new Error(`BENCH_CALLER: ${caller.reason}`);
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(env.SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name }) => new SigningDataSource(name, subgraphUrl(name, process.env, env.SUBGRAPH_PORT_BASE), subgraphSigningSecret(name, process.env, env.NODE_ENV), caller.caller),
  });
  const server = new ApolloServer({ gateway });
  await startStandaloneServer(server, { listen: { port: env.BENCH_PORT, host: '127.0.0.1' } });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
