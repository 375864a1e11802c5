import { createRequestSigner, type RequestSigner } from '@saf/auth';

/**
 * Requests to the schema registry signed with one party's registry credential (a department
 * publishing, the gateway pulling and reporting, the operator reading the history).
 */
export function registryClient(options: { url: string; party: string; secret: Buffer; timeoutMs?: number }) {
  const base = options.url.replace(/\/+$/, '');
  const sign: RequestSigner = createRequestSigner({ secret: options.secret, from: options.party, to: 'registry' });
  const prefix = new URL(base).pathname.replace(/\/+$/, '');
  return async (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> => {
    const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    // The registry verifies the path it receives: behind a path prefix, that prefix included.
    const headers = { ...init.headers, ...sign({ method, path: `${prefix}${path}`, body, caller: null }), ...(body ? { 'content-type': 'application/json' } : {}) };
    return fetch(`${base}${path}`, { method, headers, body, signal: init.signal ?? AbortSignal.timeout(options.timeoutMs ?? 30_000) });
  };
}
