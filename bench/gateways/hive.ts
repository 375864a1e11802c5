/**
 * The comparison gateway "Hive": `@graphql-hive/gateway-runtime` (what `@graphql-hive/gateway`
 * runs) with default options on the same supergraph file, on node:http. No auth, no access log,
 * no limits. Like the plain Apollo gateway it needs only one addition to talk to our subgraphs: an
 * `onFetch` hook that points each subgraph's `.invalid` URL at its port and signs the exact body
 * with a fixed caller (our subgraphs refuse unsigned requests).
 */
import { createServer } from 'node:http';
import { GATEWAY, createRequestSigner, parseCaller, subgraphSigningSecret, type RequestSigner } from '@saf/auth';
import { subgraphUrl } from '@saf/config';
import { benchGatewayEnv } from './env.ts';
import { importComparison } from '../hive/install.ts';
import type { GatewayRuntimeModule } from './hiveTypes.ts';

// Installed apart from the repository's packages (bench/hive), by `npm run bench`.
const { createGatewayRuntime } = await importComparison<GatewayRuntimeModule>('@graphql-hive/gateway-runtime');

const env = benchGatewayEnv();
const parsed = parseCaller(JSON.parse(env.BENCH_CALLER));
if (!parsed.ok) throw new Error(`BENCH_CALLER: ${parsed.reason}`);
const caller = parsed.caller;
// It stands in for our gateway, so it signs as the gateway does: gateway→<subgraph>.
const signers = new Map<string, RequestSigner>();

const gateway = createGatewayRuntime({
  supergraph: env.SUPERGRAPH_PATH,
  plugins: () => [
    {
      onFetch({ url, setURL, options, setOptions }) {
        const host = new URL(url).hostname;
        if (!host.endsWith('.subgraph.invalid')) return;
        const name = host.slice(0, -'.subgraph.invalid'.length);
        const target = new URL(subgraphUrl(name, process.env, env.SUBGRAPH_PORT_BASE));
        let sign = signers.get(name);
        if (!sign) signers.set(name, (sign = createRequestSigner({ secret: subgraphSigningSecret(name, process.env, env.NODE_ENV), from: GATEWAY, to: name })));
        if (options.body !== undefined && typeof options.body !== 'string') throw new Error('expected a string body to sign');
        const signed = sign({ method: options.method ?? 'POST', path: target.pathname, body: options.body ?? '', caller });
        setURL(target.href);
        setOptions({ ...options, headers: { ...(options.headers as Record<string, string> | undefined), ...signed } });
      },
    },
  ],
});

const server = createServer(gateway).listen(env.BENCH_PORT, '127.0.0.1');
// The runtime handles SIGTERM by disposing itself but keeps the process; end it here.
process.once('SIGTERM', () => {
  server.close();
  void Promise.resolve(gateway.dispose()).finally(() => process.exit(0));
});
