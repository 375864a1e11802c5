import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { envPrefix } from '@saf/config';
import { createGateway } from '@saf/gateway/server';
import { gatewayConfig } from '@saf/gateway/config';
import { closeServer, createLogger, listen } from '@saf/service';
import { gql } from '@saf/testing';
import { COORDINATOR, purposeOf, type System } from './system.ts';

/** Waits until `check` passes (readiness probes, not sleeps); rethrows its last failure at the deadline. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

export interface ExtraGateway {
  url: string;
  query<T = any>(query: string, variables?: Record<string, unknown>): ReturnType<typeof gql<T>>;
  /** `/metrics`, from loopback. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

/** `<SERVICE>_URL` for each of the system's subgraphs; `urls` send some elsewhere (a proxy, a fault server, another process). */
export function subgraphUrlEnv(system: System, urls: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries([...system.subgraphs].map(([name, s]) => [`${envPrefix(name)}_URL`, urls[name] ?? s.url]));
}

/**
 * Another gateway over a running system's subgraphs, with its own settings: `urls` send a
 * subgraph's requests elsewhere (a fault server, a proxy), `env` sets timeouts, breaker, sockets.
 */
export async function startGateway(system: System, options: { urls?: Record<string, string>; env?: Record<string, string> } = {}): Promise<ExtraGateway> {
  const env: NodeJS.ProcessEnv = { NODE_ENV: 'test', LOG_LEVEL: 'silent', SUBGRAPH_TIMEOUT_MS: '5000', ...subgraphUrlEnv(system, options.urls), ...options.env };
  const gateway = createGateway(gatewayConfig(env), createLogger('gateway', 'silent'));
  await gateway.start();
  const port = await listen(gateway.http, 0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}/graphql`;
  const token = await system.token(COORDINATOR);
  return {
    url,
    query: (q, variables) => gql(url, q, variables, { authorization: `Bearer ${token}`, 'x-purpose': purposeOf(COORDINATOR) }),
    metrics: async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
    stop: async () => {
      await closeServer(gateway.http);
      await gateway.stop();
    },
  };
}

/** One value of a Prometheus metric with exactly these labels (undefined when absent). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^([^{\s]+)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

export interface FaultServer {
  url: string;
  /** TCP connections accepted so far. */
  connections: number;
  /** HTTP requests seen so far (by the proxy and the HTTP fault servers). */
  requests: number;
  close(): Promise<void>;
}

async function listenOn(server: net.Server | http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

/** Accepts connections and never answers: a hung subgraph. */
export async function hungServer(): Promise<FaultServer> {
  const sockets = new Set<net.Socket>();
  const state = { connections: 0, requests: 0 };
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listenOn(server);
  return Object.assign(state, { url: `http://127.0.0.1:${port}/graphql`, close: closer(server, sockets) });
}

/** Answers every request with `status` and `body` (e.g. 500, or a 200 HTML page from a misrouted proxy). */
export async function answeringServer(status: number, body: string, contentType: string): Promise<FaultServer> {
  const state = { connections: 0, requests: 0 };
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    state.requests++;
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    });
  });
  server.on('connection', (s) => {
    state.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listenOn(server);
  return Object.assign(state, { url: `http://127.0.0.1:${port}/graphql`, close: closer(server, sockets) });
}

export type ProxyMode = 'forward' | 'reset' | 'hang';

export interface Proxy extends FaultServer {
  mode: ProxyMode;
  /** Resets the next `n` requests (after reading them; with `only`, the next n it matches), then forwards again. */
  resetNext(n: number, only?: (method: string, path: string, body: string) => boolean): void;
  /** Bodies of the requests seen (to tell queries from mutations). */
  bodies: string[];
  /** The requests seen, as they came: what someone on the wire between the services could capture. */
  captured: CapturedRequest[];
  /** Cuts every connection open now (a request held upstream, e.g. a long poll, is lost with it). */
  cut(): void;
}

export interface CapturedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * An HTTP proxy in front of a real subgraph, counting connections and requests: `forward`
 * passes requests on (keep-alive kept), `reset` drops the connection once a request has arrived,
 * `hang` holds it. `resetNext(n)` drops only the next n requests.
 */
export interface ProxyHooks {
  /**
   * Decides per request: `forward` it, `drop` it unforwarded (the connection is cut), or
   * `lose-answer`: forward it, let the service finish, and cut the connection instead of answering.
   */
  decide?: (method: string, path: string) => 'forward' | 'drop' | 'lose-answer';
  /** Holds a request until the promise resolves (a slow subgraph, released when the test says). */
  gate?: (method: string, path: string) => Promise<void> | undefined;
  /** After the service answered a forwarded request (before the client has it). */
  answered?: (method: string, path: string, status: number) => void;
  /** The headers a forwarded request is passed on with (a relay that changes them); default as they came. */
  headers?: (headers: http.IncomingHttpHeaders) => http.IncomingHttpHeaders;
}

export async function proxy(target: string, hooks: ProxyHooks = {}): Promise<Proxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const sockets = new Set<net.Socket>();
  let pendingResets = 0;
  let resetOnly: ((method: string, path: string, body: string) => boolean) | undefined;
  const state = {
    connections: 0,
    requests: 0,
    mode: 'forward' as ProxyMode,
    bodies: [] as string[],
    captured: [] as CapturedRequest[],
    resetNext: (n: number, only?: (method: string, path: string, body: string) => boolean) => {
      pendingResets = n;
      resetOnly = only;
    },
  };
  const server = http.createServer((req, res) => {
    state.requests++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      state.bodies.push(body.toString('utf8'));
      const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string'));
      state.captured.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers, body });
      if (pendingResets > 0 && (!resetOnly || resetOnly(req.method ?? 'GET', req.url ?? '/', body.toString('utf8')))) {
        pendingResets--;
        req.socket.destroy();
        return;
      }
      if (state.mode === 'reset') return void req.socket.destroy();
      if (state.mode === 'hang') return;
      await hooks.gate?.(req.method ?? 'GET', req.url ?? '/');
      const decision = hooks.decide?.(req.method ?? 'GET', req.url ?? '/') ?? 'forward';
      if (decision === 'drop') return void req.socket.destroy();
      const out = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: hooks.headers?.({ ...req.headers }) ?? req.headers, agent }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          hooks.answered?.(req.method ?? 'GET', req.url ?? '/', answer.statusCode ?? 0);
          if (decision === 'lose-answer') return void req.socket.destroy();
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(chunks));
        });
      });
      out.on('error', () => req.socket.destroy());
      out.end(body);
    });
  });
  server.on('connection', (s) => {
    state.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listenOn(server);
  const close = closer(server, sockets);
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    cut: () => {
      for (const s of sockets) s.destroy();
    },
    close: async () => {
      agent.destroy();
      await close();
    },
  });
}

export interface HoldingProxy {
  proxy: Proxy;
  /** From now on every request waits; resolves when the first one has arrived. */
  hold(): Promise<void>;
  /** Lets the waiting requests through, and the next ones pass. */
  release(): void;
}

/** A proxy in front of `target` that holds requests on demand: a slow department with requests in flight. */
export async function holdingProxy(target: string): Promise<HoldingProxy> {
  // Every request is held while on (a household picture makes more than one fetch to a department).
  const waiting: (() => void)[] = [];
  let held = false;
  let arrived: () => void = () => {};
  const p = await proxy(target, {
    gate: () => {
      if (!held) return undefined;
      arrived();
      return new Promise<void>((r) => waiting.push(r));
    },
  });
  return {
    proxy: p,
    hold: () => {
      held = true;
      return new Promise<void>((r) => (arrived = r));
    },
    release: () => {
      held = false;
      waiting.splice(0).forEach((r) => r());
    },
  };
}
