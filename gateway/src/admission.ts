/**
 * Admission control: at most `maxInFlight` client operations execute at once; the rest wait in
 * arrival order, and when the wait is full or too long the client gets 503 with Retry-After
 * rather than a gateway that slows every request down together. On a host whose cores the
 * gateway shares, running fewer operations at once keeps less of each alive on the heap (fewer
 * and shorter collections) and answers them in order instead of interleaving them all.
 *
 * Requests our own services sign (the coordination office's sweeps and checks, which the gateway
 * itself is serving) are never held: an operation waiting on one would wait on itself.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import { HttpError, metric } from '@saf/service';

export interface AdmissionOptions {
  /** Operations executing at once; 0: no limit. */
  maxInFlight: number;
  /** Operations waiting at most; beyond, 503 at once. */
  maxQueued: number;
  /** How long an operation may wait for its turn before 503. */
  maxWaitMs: number;
}

const inFlight = metric('saf_gateway_operations_in_flight', () => new Gauge({ name: 'saf_gateway_operations_in_flight', help: 'Client operations executing (GATEWAY_MAX_IN_FLIGHT bounds them).' }));
const queued = metric('saf_gateway_operations_queued', () => new Gauge({ name: 'saf_gateway_operations_queued', help: 'Client operations waiting for their turn.' }));
const waited = metric(
  'saf_gateway_queue_wait_seconds',
  () => new Histogram({ name: 'saf_gateway_queue_wait_seconds', help: 'How long a client operation waited for its turn.', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] }),
);
const shed = metric(
  'saf_gateway_operations_shed_total',
  () => new Counter({ name: 'saf_gateway_operations_shed_total', help: 'Client operations refused with 503: the wait was full (queue_full) or too long (wait_timeout).', labelNames: ['reason'] as const }),
);

interface Waiter {
  admit: () => void;
  timer: NodeJS.Timeout;
}

export class Admission {
  private running = 0;
  /** In arrival order (a Set iterates in insertion order, and a waiter that times out leaves in O(1)). */
  private readonly waiting = new Set<Waiter>();

  constructor(private readonly options: AdmissionOptions) {}

  /** Resolves with `release` (call it once the answer is sent) when the operation may run. */
  async enter(): Promise<() => void> {
    if (this.options.maxInFlight <= 0) return () => {};
    if (this.running < this.options.maxInFlight && this.waiting.size === 0) {
      this.running++;
      return this.admitted(0);
    }
    if (this.waiting.size >= this.options.maxQueued) throw overloaded('queue_full', 'the gateway is answering as many requests as it can; try again shortly');
    const since = performance.now();
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        admit: resolve,
        timer: setTimeout(() => {
          this.waiting.delete(waiter);
          queued.set(this.waiting.size);
          reject(overloaded('wait_timeout', `no turn within ${this.options.maxWaitMs} ms: the gateway is overloaded; try again shortly`));
        }, this.options.maxWaitMs),
      };
      this.waiting.add(waiter);
      queued.set(this.waiting.size);
    });
    // `next` counted it as running when it admitted it, so that nobody arriving meanwhile jumps ahead.
    return this.admitted(performance.now() - since);
  }

  get counts(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiting.size };
  }

  private admitted(waitedMs: number): () => void {
    inFlight.set(this.running);
    waited.observe(waitedMs / 1000);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.next();
      inFlight.set(this.running);
    };
  }

  private next(): void {
    while (this.running < this.options.maxInFlight) {
      const first = this.waiting.values().next();
      if (first.done) break;
      this.waiting.delete(first.value);
      clearTimeout(first.value.timer);
      this.running++;
      first.value.admit();
    }
    queued.set(this.waiting.size);
  }
}

function overloaded(reason: 'queue_full' | 'wait_timeout', message: string): HttpError {
  shed.inc({ reason });
  return new HttpError(503, message, { errors: [{ message, extensions: { code: 'OVERLOADED' } }] });
}
