/**
 * GATEWAY_WORKERS > 1: this process becomes a node:cluster primary that serves nothing itself. It
 * forks the workers (each a whole gateway: its own plan cache, keep-alive connections, breakers and
 * access-log writer, all listening on the one port), replaces a worker that dies, drains them all on
 * SIGTERM or SIGINT, and answers a worker's `/metrics` with every worker's metrics summed, so that
 * a scrape, whichever worker it reaches, sees the whole gateway.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, Counter, Gauge, Registry } from 'prom-client';
import type { Logger } from '@saf/service/logger';

const METRICS_REQUEST = 'saf:metrics-request';
const METRICS_ANSWER = 'saf:metrics-answer';
const DRAINING = 'saf:draining';

interface MetricsRequest {
  type: typeof METRICS_REQUEST;
  id: number;
}
interface MetricsAnswer {
  type: typeof METRICS_ANSWER;
  id: number;
  text?: string;
  error?: string;
}

const isMessage = <T extends { type: string }>(m: unknown, type: T['type']): m is T => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type;

export interface PrimaryOptions {
  workers: number;
  /** Each worker's drain deadline (SHUTDOWN_TIMEOUT_MS); the primary kills what is left 10 s after it. */
  shutdownTimeoutMs: number;
  log: Logger;
  /** The wait before replacing a worker that died: doubling from `min` to `max` while replacements die within `stableMs`. */
  restartDelayMs?: { min: number; max: number };
  stableMs?: number;
  /** Default process.exit; tests pass their own. */
  exit?: (code: number) => void;
}

/**
 * Starts the workers and supervises them. A worker that fails before any worker has ever listened
 * stops the whole gateway with exit code 1 (a bad supergraph or port: restarting would not help);
 * after that, a worker that dies is logged, counted and replaced while the others serve.
 */
export function runPrimary(options: PrimaryOptions): void {
  const { log, workers } = options;
  const delays = options.restartDelayMs ?? { min: 1_000, max: 30_000 };
  const stableMs = options.stableMs ?? 30_000;
  const exit = options.exit ?? ((code: number) => process.exit(code));

  // Installs prom-client's listeners for the workers' answers to clusterMetrics().
  const aggregator = new AggregatorRegistry();
  const own = new Registry();
  const restarts = new Counter({ name: 'saf_gateway_worker_restarts_total', help: 'Gateway workers that died and were replaced.', registers: [own] });
  const running = new Gauge({ name: 'saf_gateway_workers', help: 'Gateway worker processes running.', registers: [own] });

  const startedAt = new Map<number, number>();
  const listened = new Set<number>();
  let ready = false;
  let stopping = false;
  let failed = false;
  let delay = delays.min;
  let draining = 0;
  let drainingExpected = 0;
  const exitCodes: (number | null)[] = [];

  const alive = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());

  function fork(): void {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
    running.set(alive().length);
    log.info({ worker: worker.id, pid: worker.process.pid }, 'gateway worker started');
  }

  cluster.on('listening', (worker, address) => {
    if (listened.has(worker.id)) return;
    listened.add(worker.id);
    if (ready || listened.size < workers) return;
    ready = true;
    log.info({ port: address.port, workers }, `gateway ready at http://localhost:${address.port}/graphql (${workers} workers)`);
  });

  cluster.on('message', (worker, message: unknown) => {
    if (isMessage<MetricsRequest>(message, METRICS_REQUEST)) {
      const answer = (reply: Omit<MetricsAnswer, 'type' | 'id'>) => {
        if (worker.isConnected()) worker.send({ type: METRICS_ANSWER, id: message.id, ...reply } satisfies MetricsAnswer);
      };
      Promise.all([aggregator.clusterMetrics(), own.metrics()]).then(
        ([workersText, ownText]) => answer({ text: `${workersText.trimEnd()}\n${ownText}` }),
        (err: unknown) => answer({ error: err instanceof Error ? err.message : String(err) }),
      );
    } else if (isMessage(message, DRAINING) && stopping) {
      // Logged once every worker has closed its server: whoever reads it may rely on that.
      if (++draining === drainingExpected) log.info({ workers: draining }, 'draining');
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? Date.now());
    startedAt.delete(worker.id);
    running.set(alive().length);
    if (stopping) {
      exitCodes.push(signal ? null : code);
      if (alive().length === 0) {
        const clean = !failed && exitCodes.every((c) => c === 0);
        log.info({ clean }, 'stopped');
        exit(clean ? 0 : 1);
      }
      return;
    }
    if (!ready) {
      log.fatal({ worker: worker.id, code, signal }, 'a gateway worker stopped before the gateway was ready; stopping the others');
      failed = true;
      void shutdown('startup failure');
      return;
    }
    delay = lived >= stableMs ? delays.min : Math.min(delay * 2, delays.max);
    const wait = lived >= stableMs ? 0 : delay;
    restarts.inc();
    log.error({ worker: worker.id, pid: worker.process.pid, code, signal, livedMs: lived, restartInMs: wait }, 'gateway worker died; starting another');
    setTimeout(() => {
      if (!stopping) fork();
    }, wait).unref();
  });

  async function shutdown(reason: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    drainingExpected = alive().length;
    log.info({ reason, workers: drainingExpected }, 'stopping the workers');
    // Whatever hangs (a stuck worker), the gateway goes.
    setTimeout(() => {
      for (const w of alive()) w.process.kill('SIGKILL');
      exit(1);
    }, options.shutdownTimeoutMs + 10_000).unref();
    for (const w of alive()) w.process.kill('SIGTERM');
    if (alive().length === 0) exit(failed ? 1 : 0);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  for (let i = 0; i < workers; i++) fork();
}

/**
 * In a worker: answers the primary's requests for this worker's metrics (prom-client), and returns
 * what `/metrics` serves here instead of this worker's own: every worker's, from the primary.
 */
export function joinCluster(timeoutMs = 6_000): { metrics: () => Promise<string>; draining: () => void } {
  new AggregatorRegistry();
  let next = 0;
  const pending = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void }>();
  process.on('message', (message: unknown) => {
    if (!isMessage<MetricsAnswer>(message, METRICS_ANSWER)) return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.text !== undefined) waiter.resolve(message.text);
    else waiter.reject(new Error(`the primary could not gather the workers' metrics: ${message.error ?? 'no answer'}`));
  });
  return {
    metrics: () =>
      new Promise<string>((resolve, reject) => {
        const id = ++next;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`the primary did not send the workers' metrics within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (text) => (clearTimeout(timer), pending.delete(id), resolve(text)),
          reject: (err) => (clearTimeout(timer), pending.delete(id), reject(err)),
        });
        const failed = (err: Error | null) => err && pending.get(id)?.reject(new Error(`could not ask the primary for the workers' metrics: ${err.message}`));
        if (!process.send || !process.connected) failed(new Error('no primary'));
        else process.send({ type: METRICS_REQUEST, id } satisfies MetricsRequest, undefined, {}, failed);
      }),
    draining: () => {
      if (process.connected) process.send?.({ type: DRAINING });
    },
  };
}
