import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '@saf/service';
import type { GatewayContext } from './context.ts';

/** The client an operation is counted for: the name it sends, else the caller's role (our own services: `service`). */
const CLIENT_NAME = /^[\p{L}\p{N}_ .:@/()-]{1,100}$/u;
export const CLIENT_NAME_HEADER = 'apollographql-client-name';

interface Pending {
  name: string | null;
  document: string;
  client: string;
  count: number;
  lastSeen: string;
}

export interface UsageReporter {
  plugin: ApolloServerPlugin<GatewayContext>;
  /** Sends what was counted since the last report; kept for the next one when the registry does not take it. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Counts the operations clients run (after validation: only what the schema served) and reports
 * them to the schema registry every `intervalMs` (`POST /usage`), so that a publication that
 * removes or changes what they use is refused naming them (registry/src/usage.ts). Documents and
 * operation names only, never variables. At most `maxPending` distinct operations wait for the
 * registry; beyond, new ones are dropped until it answers.
 */
export function createUsageReporter(options: { send: (body: unknown) => Promise<Response>; intervalMs: number; log: Logger; maxPending?: number }): UsageReporter {
  const pending = new Map<string, Pending>();
  const maxPending = options.maxPending ?? 10_000;
  let dropped = 0;
  let sending: Promise<void> = Promise.resolve();
  const count = (entry: Omit<Pending, 'count'> & { count?: number }) => {
    const key = `${entry.client}\n${entry.document}`;
    const known = pending.get(key);
    if (known) {
      known.count += entry.count ?? 1;
      if (entry.lastSeen > known.lastSeen) known.lastSeen = entry.lastSeen;
      return;
    }
    if (pending.size >= maxPending) {
      dropped++;
      return;
    }
    pending.set(key, { ...entry, count: entry.count ?? 1 });
  };
  const flushOnce = async () => {
    if (pending.size === 0) return;
    const batch = [...pending.values()].slice(0, 5000);
    for (const p of batch) pending.delete(`${p.client}\n${p.document}`);
    try {
      const res = await options.send({ operations: batch });
      if (!res.ok) throw new Error(`the registry answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      if (dropped > 0) options.log.warn({ dropped }, 'operations not reported: too many waited for the registry');
      dropped = 0;
    } catch (err) {
      for (const p of batch) count(p);
      options.log.warn({ err: (err as Error).message, waiting: pending.size }, 'operation usage not reported; kept for the next report');
    }
  };
  const flush = () => (sending = sending.then(flushOnce));
  const timer = setInterval(() => void flush(), options.intervalMs);
  timer.unref();
  return {
    plugin: {
      async requestDidStart() {
        return {
          async didResolveOperation({ request, contextValue, operationName }) {
            if (typeof request.query !== 'string') return;
            const named = request.http?.headers.get(CLIENT_NAME_HEADER)?.trim();
            const client = named && CLIENT_NAME.test(named) ? named : contextValue.internal ? 'service' : contextValue.caller.role;
            count({ name: operationName ?? request.operationName ?? null, document: request.query, client, lastSeen: new Date().toISOString() });
          },
        };
      },
    },
    flush,
    close: async () => {
      clearInterval(timer);
      await flush();
    },
  };
}
