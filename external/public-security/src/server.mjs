// 公安 (public security) for the social-assistance graph: household registration changes and
// vehicles, as a Federation 2 subgraph on @apollo/subgraph alone. Its only link to the platform is
// saf-protocol.mjs, copied from the platform's docs/reference: it verifies the gateway's
// signature, reads the caller, and publishes this schema to the schema registry at start.
//
// Environment: PORT (default 4100), HOST (127.0.0.1), SCHEMA_FILE (default schema.graphql), PUBLIC_URL (the URL the gateway reaches this
// service at; default http://HOST:PORT/graphql), PUBLIC_SECURITY_DATA (a JSON file of vehicles
// and registration changes; default data/sample.json), SAF_GATEWAY_SECRET (shared with the gateway),
// SAF_REGISTRY_URL and SAF_REGISTRY_SECRET (to publish; unset: not published), PUBLISHED_BY.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { gql } from 'graphql-tag';
import { GraphQLError, execute, parse, validate } from 'graphql';
import { ProtocolError, createGatewayVerifier, publishSchema } from './saf-protocol.mjs';

const SERVICE = 'public-security';
// The schema this release serves and publishes (SCHEMA_FILE: an older one, e.g. to roll back).
const SDL = readFileSync(process.env.SCHEMA_FILE ?? new URL('../schema.graphql', import.meta.url), 'utf8');
const log = (msg, fields = {}) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), service: SERVICE, msg, ...fields })}\n`);

function byPerson(rows) {
  const map = new Map();
  for (const row of rows ?? []) map.set(row.personId, [...(map.get(row.personId) ?? []), row]);
  return map;
}

/** Person-level data answers only a request made for a caller (the gateway logs whose data it reads). */
function requireCaller(context) {
  if (!context.caller) throw new GraphQLError('person-level data is answered only for a caller', { extensions: { code: 'FORBIDDEN' } });
}

export function createServer({ data, gatewaySecret }) {
  const vehicles = byPerson(data.vehicles);
  const changes = byPerson(data.registrationChanges);
  const schema = buildSubgraphSchema([
    {
      typeDefs: gql(SDL),
      resolvers: {
        Person: {
          __resolveReference: (ref) => ({ id: ref.id }),
          vehicles: (person, _args, context) => {
            requireCaller(context);
            return (vehicles.get(person.id) ?? []).map(({ personId: _p, ...v }) => v);
          },
          vehicleCount: (person, _args, context) => {
            requireCaller(context);
            return (vehicles.get(person.id) ?? []).length;
          },
          householdRegistrationChanges: (person, _args, context) => {
            requireCaller(context);
            return [...(changes.get(person.id) ?? [])].sort((a, b) => a.date.localeCompare(b.date));
          },
        },
      },
    },
  ]);
  const verifier = createGatewayVerifier({ self: SERVICE, secret: gatewaySecret });

  async function run(request, context) {
    if (!request || typeof request.query !== 'string') return { errors: [{ message: 'a GraphQL request needs a query', extensions: { code: 'BAD_REQUEST' } }] };
    let document;
    try {
      document = parse(request.query);
    } catch (err) {
      return { errors: [{ message: err.message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] };
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) return { errors: invalid.map((e) => ({ message: e.message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) };
    const result = await execute({ schema, document, variableValues: request.variables ?? undefined, operationName: request.operationName ?? undefined, contextValue: context });
    return { ...(result.errors ? { errors: result.errors.map((e) => ({ message: e.message, path: e.path, extensions: { code: e.extensions?.code ?? 'INTERNAL_SERVER_ERROR' } })) } : {}), data: result.data };
  }

  const send = (res, status, body) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };

  return http.createServer(async (req, res) => {
    try {
      if (req.url === '/health') return send(res, 200, { status: 'ok' });
      if (req.method !== 'POST' || new URL(req.url, 'http://local').pathname !== '/graphql') return send(res, 404, { error: 'not found' });
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      // Nothing is answered before the gateway's signature is checked.
      const { caller, purpose } = verifier.verify({ method: req.method, path: req.url, headers: req.headers, body });
      const parsed = JSON.parse(body.toString('utf8'));
      const context = { caller, purpose };
      // The gateway sends several operations at once as a JSON array.
      if (Array.isArray(parsed)) return send(res, 200, await Promise.all(parsed.map((r) => run(r, context))));
      return send(res, 200, await run(parsed, context));
    } catch (err) {
      if (err instanceof ProtocolError) return send(res, err.status, { errors: [{ message: err.message, extensions: { code: err.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN' } }] });
      if (err instanceof SyntaxError) return send(res, 400, { errors: [{ message: 'body is not JSON', extensions: { code: 'BAD_REQUEST' } }] });
      log('request failed', { err: err.message });
      return send(res, 500, { errors: [{ message: 'internal error' }] });
    }
  });
}

/** Publishes this schema, retrying while the registry cannot be reached; a refusal is final (fix the schema). */
async function publishWhenReachable(options) {
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = await publishSchema(options);
      if (answer.status === 'accepted') log('published to the schema registry', { version: answer.version });
      else log('the schema registry refused this schema', { errors: answer.errors ?? [answer.error] });
      return answer;
    } catch (err) {
      const wait = Math.min(30_000, 500 * 2 ** attempt);
      log('schema registry not reachable yet', { err: err.message, retryInMs: wait });
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

async function main() {
  const env = process.env;
  const port = Number(env.PORT ?? 4100);
  const host = env.HOST ?? '127.0.0.1';
  if (!env.SAF_GATEWAY_SECRET) throw new Error('SAF_GATEWAY_SECRET is required: the secret the platform operator gave you for the gateway');
  const data = JSON.parse(readFileSync(env.PUBLIC_SECURITY_DATA ?? new URL('../data/sample.json', import.meta.url), 'utf8'));
  const server = createServer({ data, gatewaySecret: env.SAF_GATEWAY_SECRET });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const url = env.PUBLIC_URL ?? `http://${host}:${server.address().port}/graphql`;
  log('public-security subgraph listening', { url });
  if (env.SAF_REGISTRY_URL) {
    if (!env.SAF_REGISTRY_SECRET) throw new Error('SAF_REGISTRY_SECRET is required with SAF_REGISTRY_URL');
    void publishWhenReachable({ registryUrl: env.SAF_REGISTRY_URL, service: SERVICE, secret: env.SAF_REGISTRY_SECRET, sdl: SDL, url, publishedBy: env.PUBLISHED_BY ?? 'public-security release' });
  }
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
