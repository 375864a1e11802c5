import { useCallback, useEffect, useRef, useState } from 'react';
import { useSession } from '../lib/sessionContext.tsx';
import { Unauthenticated, Unreachable, request } from './client.ts';
import { classify, type Outcome } from './outcome.ts';

export type QueryState<T> = { kind: 'idle' } | { kind: 'loading' } | Outcome<T>;

/** How often a statistics request answered STATISTICS_COMPUTING is asked again before the page shows the error. */
const COMPUTING_ATTEMPTS = 12;

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new DOMException('aborted', 'AbortError'));
    });
  });
}

/** A function that runs one operation as the signed-in caller and classifies the answer. */
export function useGraphQL() {
  const { session, signOut } = useSession();
  return useCallback(
    async <T,>(query: string, variables?: Record<string, unknown>, signal?: AbortSignal): Promise<Outcome<T>> => {
      try {
        for (let attempt = 1; ; attempt++) {
          const res = await request<T>(session, query, variables, signal);
          // Statistics being computed after a load: the graph says when to ask again; the page keeps loading meanwhile.
          const computing = res.errors.find((e) => e.extensions?.code === 'STATISTICS_COMPUTING');
          if (!computing || attempt >= COMPUTING_ATTEMPTS) return classify(res);
          await delay(1000 * (Number(computing.extensions?.retryAfterSeconds) || 5), signal);
        }
      } catch (err) {
        if (err instanceof Unauthenticated) {
          signOut('expired');
          return { kind: 'error', message: 'unauthenticated', code: 'UNAUTHENTICATED' };
        }
        if (err instanceof Unreachable) return { kind: 'error', message: err.message, code: 'UNREACHABLE' };
        throw err;
      }
    },
    [session, signOut],
  );
}

/**
 * Runs `query` whenever `variables` change (compared as JSON), unless `skip`. `reload` runs it
 * again (after a review, a sweep). A newer run cancels the older one's update.
 */
export function useQuery<T>(query: string, variables: Record<string, unknown> | null, options: { skip?: boolean } = {}) {
  const run = useGraphQL();
  const [state, setState] = useState<QueryState<T>>({ kind: 'idle' });
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(variables);
  const latest = useRef(0);
  const lastKey = useRef<string | null>(null);
  useEffect(() => {
    if (options.skip || variables === null) {
      setState({ kind: 'idle' });
      return;
    }
    const id = ++latest.current;
    const controller = new AbortController();
    // A reload keeps the picture on screen until the new answer; other variables clear it.
    const same = lastKey.current === query + key;
    lastKey.current = query + key;
    setState((s) => (same && s.kind === 'ok' ? s : { kind: 'loading' }));
    run<T>(query, variables, controller.signal)
      .then((outcome) => {
        if (id === latest.current) setState(outcome);
      })
      .catch((err: unknown) => {
        if ((err as Error).name !== 'AbortError' && id === latest.current) setState({ kind: 'error', message: String(err) });
      });
    return () => controller.abort();
    // `key` stands for `variables` (compared by value).
  }, [query, key, options.skip, run, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { state, reload };
}
