/**
 * `npm run audit:verify`: asks the running audit service to check the access log's hash chain
 * from the first entry to the recorded head. Prints `access log intact: N entries, head …` and
 * exits 0, or `access log broken at entry SEQ: reason` and exits 1. Exits 2 when the service
 * cannot be asked. Reads the same environment as `npm start` (AUDIT_URL, else SUBGRAPH_PORT_BASE + 9;
 * the audit service's signing secret like the gateway's).
 */
import { OPERATOR, signRequest, subgraphSigningSecret } from '@saf/auth';
import { commonEnv, parseEnv, subgraphUrl } from '@saf/config';

interface Check {
  ok: boolean;
  count?: number;
  head?: { seq: number; hash: string } | null;
  seq?: number;
  reason?: string;
  message?: string;
}

/** `…/graphql` or a bare base URL → the service's `path`. keep in sync with gateway/src/audit.ts. */
function endpoint(serviceUrl: string, path: string): URL {
  const url = new URL(serviceUrl);
  url.pathname = url.pathname.replace(/\/graphql\/?$/, '').replace(/\/$/, '') + path;
  url.search = '';
  return url;
}

async function main(): Promise<number> {
  const env = parseEnv(commonEnv);
  const url = endpoint(subgraphUrl('audit', process.env, env.SUBGRAPH_PORT_BASE), '/audit/verify');
  const secret = subgraphSigningSecret('audit', process.env, env.NODE_ENV);
  const body = '{}';
  // Signed operator→audit: the audit service lets the operator verify the chain and nothing else.
  const signed = signRequest({ secret, from: OPERATOR, to: 'audit', method: 'POST', path: url.pathname, body, caller: null });
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signed }, body });
  } catch (err) {
    process.stderr.write(`cannot reach the audit service at ${url.origin}: ${(err as Error).message}\n`);
    return 2;
  }
  const text = await res.text();
  if (res.status !== 200) {
    process.stderr.write(`the audit service at ${url.origin} answered ${res.status}: ${text.slice(0, 500)}\n`);
    return 2;
  }
  const check = JSON.parse(text) as Check;
  if (check.ok) {
    const head = check.head ? `${check.head.seq} ${check.head.hash}` : 'none (the log is empty)';
    process.stdout.write(`access log intact: ${check.count} entries, head ${head}\n`);
    return 0;
  }
  process.stdout.write(`access log broken at entry ${check.seq}: ${check.reason}\n  ${check.message}\n`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`audit:verify failed: ${(err as Error).message}\n`);
    process.exit(2);
  },
);
