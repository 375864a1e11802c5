/**
 * Gives memory back once a process goes idle. After a burst (a sweep's pages, pictures at high
 * concurrency) V8 keeps the garbage it made until the next allocation-driven collection, and an
 * idle process makes none: the gateway sat at 290 MB with 170 MB of heap "in use", of which a full
 * collection found 64 MB live. V8's memory reducer does this in a browser, where the embedder tells
 * it when it is idle; Node does not. So when no request has been in flight for a while and the
 * heap has grown since the last collection, one full collection runs, at a moment when no request
 * waits for it, and V8 returns the emptied pages to the system.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Counter } from 'prom-client';
import type { Logger } from './logger.ts';
import { metric } from './metrics.ts';

const idleCollections = metric(
  'saf_idle_collections_total',
  () => new Counter({ name: 'saf_idle_collections_total', help: 'Full garbage collections run because the process went idle after a burst.' }),
);

let gc: (() => void) | null = null;

/** V8's full collection, found once. `--expose-gc` adds `gc` only to contexts made after it is set, hence the new context. */
function fullCollection(): () => void {
  if (gc) return gc;
  gc = (globalThis as { gc?: () => void }).gc ?? null;
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  return gc;
}

export interface IdleCollectorOptions {
  /** Idle this long (no request in flight) before collecting; 0 with `startIdleCollector` turns it off. */
  idleMs: number;
  /** Collect only when the heap in use has grown this much since the last collection. */
  growthBytes?: number;
  log?: Logger;
  /** For tests: the heap in use, and the clock. */
  heapUsed?: () => number;
  now?: () => number;
  /** How often to look, at most `idleMs` (default: a fifth of it). */
  checkEveryMs?: number;
}

export class IdleCollector {
  private inFlight = 0;
  private lastActive: number;
  private baseline: number;
  private timer: NodeJS.Timeout | null = null;
  private readonly collect = fullCollection();
  private readonly heapUsed: () => number;
  private readonly now: () => number;
  private readonly growth: number;

  constructor(private readonly options: IdleCollectorOptions) {
    this.heapUsed = options.heapUsed ?? (() => process.memoryUsage().heapUsed);
    this.now = options.now ?? Date.now;
    this.growth = options.growthBytes ?? 32 * 2 ** 20;
    this.lastActive = this.now();
    this.baseline = this.heapUsed();
  }

  /** A request started. */
  begin(): void {
    this.inFlight++;
    this.lastActive = this.now();
  }

  /** A request ended (its response closed). */
  end(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.lastActive = this.now();
  }

  /** Whether a collection is due now. */
  due(): boolean {
    return this.inFlight === 0 && this.now() - this.lastActive >= this.options.idleMs && this.heapUsed() - this.baseline >= this.growth;
  }

  /** Collects if due; returns whether it did. */
  check(): boolean {
    if (!this.due()) return false;
    const before = this.heapUsed();
    const started = performance.now();
    this.collect();
    this.baseline = this.heapUsed();
    idleCollections.inc();
    this.options.log?.debug({ heapBeforeMb: Math.round(before / 2 ** 20), heapAfterMb: Math.round(this.baseline / 2 ** 20), ms: Math.round(performance.now() - started) }, 'idle: collected garbage');
    return true;
  }

  start(): this {
    if (!this.timer) {
      const every = this.options.checkEveryMs ?? Math.max(100, Math.floor(this.options.idleMs / 5));
      this.timer = setInterval(() => this.check(), every);
      this.timer.unref();
    }
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

let processCollector: IdleCollector | null = null;

/** The process's collector, which `observeRequest` tells of every request; none when `idleMs` is 0. */
export function startIdleCollector(options: IdleCollectorOptions): IdleCollector | null {
  processCollector?.stop();
  processCollector = options.idleMs > 0 ? new IdleCollector(options).start() : null;
  return processCollector;
}

/** Called by `observeRequest` for every request; nothing until a collector is started. */
export function noteRequestActivity(res: { once(event: 'close', listener: () => void): unknown }): void {
  const collector = processCollector;
  if (!collector) return;
  collector.begin();
  res.once('close', () => collector.end());
}
