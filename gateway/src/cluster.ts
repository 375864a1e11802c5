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

/**
 * Questions over an IPC channel, each with its id, settled by the answer carrying that id, by a
 * failed send, or by the deadline. The primary asks its workers and a worker its primary this way.
 */
class Questions {
  private next = 0;
  private readonly pending = new Map<number, (answer: Message) => void>();

  /** Sends `{ type, id }` with `send` (whose callback reports a channel that closed meanwhile, instead of an 'error' event that would end the process). */
  ask(type: string, send: (message: Message, sent: (err: Error | null) => void) => void, timeoutMs: number, who: string): Promise<Message> {
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      const settle = (answer: Message) => {
        clearTimeout(timer);
        this.pending.delete(id);
        if (answer.error === undefined) resolve(answer);
        else reject(new Error(`${who}: ${answer.error}`));
      };
      const timer = setTimeout(() => settle({ type, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
      this.pending.set(id, settle);
      send({ type, id }, (err) => err && settle({ type, error: err.message }));
    });
  }

  /** Settles the question `answer` answers, if it is still open. */
  answered(answer: Message): void {
    if (answer.id !== undefined) this.pending.get(answer.id)?.(answer);
  }
}

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

  const startedAt = new Map<number, number>();
  const listening = new Set<number>();
  let ready = false;
  let stopping = false;
  /** Whether every worker stopped as it should (a startup failure, a worker cut off: exit code 1). */
  let clean = true;
  let delay = delays.min;
  let draining = 0;
  let drainingExpected = 0;

  const alive = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());

  const own = new Registry();
  const restarts = new Counter({ name: 'saf_gateway_worker_restarts_total', help: 'Gateway workers that died and were replaced.', registers: [own] });
  new Gauge({
    name: 'saf_gateway_workers',
    help: 'Gateway worker processes running.',
    registers: [own],
    collect() {
      this.set(alive().length);
    },
  });

  function fork(): void {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
    log.info({ worker: worker.id, pid: worker.process.pid }, 'gateway worker started');
  }

  cluster.on('listening', (worker, address) => {
    if (listening.has(worker.id)) return;
    listening.add(worker.id);
    if (ready || listening.size < workers) return;
    ready = true;
    log.info({ host: address.address, port: address.port, workers }, `gateway ready at http://localhost:${address.port}/graphql (${workers} workers)`);
  });

  // Metrics: each serving worker's registry, combined as prom-client's cluster mode combines them
  // (by each metric's aggregator: sums, unless a metric says otherwise). Only workers that listen
  // are asked: one still starting would hold up every scrape until it answers.
  const questions = new Questions();
  const collect = async (worker: Worker): Promise<MetricJson[]> =>
    (await questions.ask(COLLECT, (m, sent) => worker.send(m, undefined, {}, sent), collectTimeoutMs, `worker ${worker.id}'s metrics`)).metrics ?? [];
  async function gather(): Promise<string> {
    const serving = alive().filter((w) => listening.has(w.id) && w.isConnected());
    const each = await Promise.all(serving.map(collect));
    return AggregatorRegistry.aggregate([...each, await own.getMetricsAsJSON()]).metrics();
  }

  cluster.on('message', (worker, message: unknown) => {
    if (isMessage(message, COLLECTED)) {
      questions.answered(message);
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
    if (stopping) {
      // A worker stopped before it listened had nothing to drain: SIGTERM ending it is clean.
      if (!(code === 0 || (!wasListening && signal === 'SIGTERM'))) clean = false;
      if (alive().length === 0) finish();
      return;
    }
    if (!ready) {
      log.fatal({ worker: worker.id, code, signal }, 'a gateway worker stopped before the gateway was ready; stopping the others');
      clean = false;
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
    log.info({ clean }, 'stopped');
    process.exit(clean ? 0 : 1);
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
  const questions = new Questions();
  process.on('message', (message: unknown) => {
    if (isMessage(message, COLLECT)) {
      register.getMetricsAsJSON().then(
        (metrics) => tell({ type: COLLECTED, id: message.id, metrics }),
        (err: unknown) => tell({ type: COLLECTED, id: message.id, error: err instanceof Error ? err.message : String(err) }),
      );
    } else if (isMessage(message, GATHERED)) {
      questions.answered(message);
    }
  });
  const ask = (m: Message, sent: (err: Error | null) => void) => {
    if (!process.send || !process.connected) return sent(new Error('no primary'));
    process.send(m, undefined, {}, sent);
  };
  return {
    metrics: async () => (await questions.ask(GATHER, ask, timeoutMs, "the workers' metrics could not be gathered")).text ?? '',
    draining: () => tell({ type: DRAINING }),
  };
}
