/**
 * GATEWAY_WORKERS > 1: this process becomes a node:cluster primary that serves nothing itself. It
 * forks the workers (each a whole gateway: its own plan cache, keep-alive connections, breakers and
 * access-log writer, all listening on the one port), replaces a worker that dies, drains them all on
 * SIGTERM or SIGINT, and answers a worker's `/metrics` with every worker's metrics combined, so
 * that a scrape, whichever worker it reaches, sees the whole gateway.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, Counter, Gauge, Registry, register } from 'prom-client';
import type { Logger } from '@saf/service/logger';

/** One registry's metrics as prom-client hands them between processes. */
type MetricJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>[number];

/** Worker → primary: send me every worker's metrics. Primary → worker: here they are. */
const GATHER = 'saf:metrics-gather';
const GATHERED = 'saf:metrics-gathered';
/** Primary → worker: your own metrics, please. Worker → primary: here they are. */
const COLLECT = 'saf:metrics-collect';
const COLLECTED = 'saf:metrics-collected';
/** Worker → primary: my server has stopped accepting. */
const DRAINING = 'saf:draining';

interface Message {
  type: string;
  id?: number;
  text?: string;
  metrics?: MetricJson[];
  error?: string;
}
const isMessage = (m: unknown, type: string): m is Message => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type;

export interface PrimaryOptions {
  workers: number;
  /** Each worker's drain deadline (SHUTDOWN_TIMEOUT_MS); the primary kills what is left 10 s after it. */
  shutdownTimeoutMs: number;
  log: Logger;
  /** The wait before replacing a worker that died young (within `stableMs`): from `min`, doubling to `max`. */
  restartDelayMs?: { min: number; max: number };
  stableMs?: number;
  /** How long a worker may take to hand over its metrics. */
  collectTimeoutMs?: number;
}

/**
 * Starts the workers and supervises them. A worker that fails before the gateway was ever ready
 * stops the whole gateway with exit code 1 (a bad supergraph or port: restarting would not help);
 * after that, a worker that dies is logged, counted and replaced while the others serve.
 */
export function runPrimary(options: PrimaryOptions): void {
  const { log, workers } = options;
  const delays = options.restartDelayMs ?? { min: 1_000, max: 30_000 };
  const stableMs = options.stableMs ?? 30_000;
  const collectTimeoutMs = options.collectTimeoutMs ?? 3_000;

  const own = new Registry();
  const restarts = new Counter({ name: 'saf_gateway_worker_restarts_total', help: 'Gateway workers that died and were replaced.', registers: [own] });
  const running = new Gauge({ name: 'saf_gateway_workers', help: 'Gateway worker processes running.', registers: [own] });

  const startedAt = new Map<number, number>();
  const listening = new Set<number>();
  let ready = false;
  let stopping = false;
  let failed = false;
  let delay = delays.min;
  let draining = 0;
  let drainingExpected = 0;
  let clean = true;

  const alive = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());

  function fork(): void {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
    running.set(alive().length);
    log.info({ worker: worker.id, pid: worker.process.pid }, 'gateway worker started');
  }

  cluster.on('listening', (worker, address) => {
    if (listening.has(worker.id)) return;
    listening.add(worker.id);
    if (ready || listening.size < workers) return;
    ready = true;
    log.info({ port: address.port, workers }, `gateway ready at http://localhost:${address.port}/graphql (${workers} workers)`);
  });

  // Metrics: each serving worker's registry, combined as prom-client's cluster mode combines them
  // (by each metric's aggregator: sums, unless a metric says otherwise). Only workers that listen
  // are asked: one still starting would hold up every scrape until it answers.
  let nextCollect = 0;
  const collecting = new Map<string, (answer: Message) => void>();
  function collect(worker: Worker): Promise<MetricJson[]> {
    const id = ++nextCollect;
    const key = `${worker.id}:${id}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        collecting.delete(key);
        reject(new Error(`worker ${worker.id} did not hand over its metrics within ${collectTimeoutMs} ms`));
      }, collectTimeoutMs);
      collecting.set(key, (answer) => {
        clearTimeout(timer);
        collecting.delete(key);
        if (answer.metrics) resolve(answer.metrics);
        else reject(new Error(`worker ${worker.id}: ${answer.error ?? 'no metrics'}`));
      });
      // With a callback, a channel that closed meanwhile is an error here, not an 'error' event that would end the primary.
      worker.send({ type: COLLECT, id } satisfies Message, undefined, {}, (err) => err && collecting.get(key)?.({ type: COLLECTED, error: err.message }));
    });
  }
  async function gather(): Promise<string> {
    const serving = alive().filter((w) => listening.has(w.id) && w.isConnected());
    const each = await Promise.all(serving.map(collect));
    return AggregatorRegistry.aggregate([...each, await own.getMetricsAsJSON()]).metrics();
  }

  cluster.on('message', (worker, message: unknown) => {
    if (isMessage(message, COLLECTED)) {
      collecting.get(`${worker.id}:${message.id}`)?.(message);
    } else if (isMessage(message, GATHER)) {
      const answer = (reply: Message) => {
        if (worker.isConnected()) worker.send(reply, undefined, {}, () => {});
      };
      gather().then(
        (text) => answer({ type: GATHERED, id: message.id, text }),
        (err: unknown) => {
          log.warn({ err }, 'gathering the workers’ metrics');
          answer({ type: GATHERED, id: message.id, error: err instanceof Error ? err.message : String(err) });
        },
      );
    } else if (isMessage(message, DRAINING) && stopping) {
      // Logged once every serving worker has closed its server: whoever reads it may rely on that.
      if (++draining === drainingExpected) log.info({ workers: draining }, 'draining');
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? Date.now());
    const wasListening = listening.delete(worker.id);
    startedAt.delete(worker.id);
    running.set(alive().length);
    if (stopping) {
      // A worker stopped before it listened had nothing to drain: SIGTERM ending it is clean.
      if (!(code === 0 || (!wasListening && signal === 'SIGTERM'))) clean = false;
      if (alive().length === 0) finish();
      return;
    }
    if (!ready) {
      log.fatal({ worker: worker.id, code, signal }, 'a gateway worker stopped before the gateway was ready; stopping the others');
      failed = true;
      shutdown('startup failure');
      return;
    }
    const wait = lived >= stableMs ? 0 : delay;
    delay = lived >= stableMs ? delays.min : Math.min(delay * 2, delays.max);
    restarts.inc();
    log.error({ worker: worker.id, pid: worker.process.pid, code, signal, livedMs: lived, restartInMs: wait }, 'gateway worker died; starting another');
    setTimeout(() => {
      if (!stopping) fork();
    }, wait).unref();
  });

  function finish(): void {
    const ok = clean && !failed;
    log.info({ clean: ok }, 'stopped');
    process.exit(ok ? 0 : 1);
  }

  function shutdown(reason: string): void {
    if (stopping) return;
    stopping = true;
    drainingExpected = alive().filter((w) => listening.has(w.id)).length;
    log.info({ reason, workers: alive().length }, 'stopping the workers');
    // Whatever hangs (a stuck worker), the gateway goes.
    setTimeout(() => {
      for (const w of alive()) w.process.kill('SIGKILL');
      process.exit(1);
    }, options.shutdownTimeoutMs + 10_000).unref();
    for (const w of alive()) w.process.kill('SIGTERM');
    if (alive().length === 0) finish();
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  for (let i = 0; i < workers; i++) fork();
}

/**
 * In a worker: hands this worker's metrics to the primary when asked, and returns what `/metrics`
 * serves here instead of this worker's own (every worker's, from the primary) and how to tell the
 * primary that this worker has stopped accepting.
 */
export function joinCluster(timeoutMs = 6_000): { metrics: () => Promise<string>; draining: () => void } {
  // A primary gone meanwhile is no error here (the worker drains on 'disconnect').
  const tell = (message: Message) => {
    if (process.connected) process.send?.(message, undefined, {}, () => {});
  };
  let next = 0;
  const pending = new Map<number, (answer: Message) => void>();
  process.on('message', (message: unknown) => {
    if (isMessage(message, COLLECT)) {
      register.getMetricsAsJSON().then(
        (metrics) => tell({ type: COLLECTED, id: message.id, metrics }),
        (err: unknown) => tell({ type: COLLECTED, id: message.id, error: err instanceof Error ? err.message : String(err) }),
      );
    } else if (isMessage(message, GATHERED) && message.id !== undefined) {
      pending.get(message.id)?.(message);
    }
  });
  return {
    metrics: () =>
      new Promise<string>((resolve, reject) => {
        const id = ++next;
        const settle = (answer: Message) => {
          clearTimeout(timer);
          pending.delete(id);
          if (answer.text !== undefined) resolve(answer.text);
          else reject(new Error(`the workers' metrics could not be gathered: ${answer.error ?? 'no answer'}`));
        };
        const timer = setTimeout(() => settle({ type: GATHERED, error: `no answer from the primary within ${timeoutMs} ms` }), timeoutMs);
        pending.set(id, settle);
        if (!process.send || !process.connected) return settle({ type: GATHERED, error: 'no primary' });
        process.send({ type: GATHER, id } satisfies Message, undefined, {}, (err) => err && settle({ type: GATHERED, error: err.message }));
      }),
    draining: () => {
      tell({ type: DRAINING });
    },
  };
}
