import { randomUUID } from 'node:crypto';
import type { Logger } from '@saf/service';

interface Watcher {
  /** The last version the gateway said it applied (its `since`), as a generation of this process; -1: none of ours. */
  applied: number;
  /** Polls open now. */
  open: number;
  /** When its last poll opened or ended. */
  seenAt: number;
}

export interface SharingChangesOptions {
  /** How long a watch is held open when nothing changes (the gateway asks again at once). */
  holdMs: number;
  /** How long a change waits at most for every watching gateway to have applied it. */
  ackTimeoutMs: number;
  log: Logger;
}

/** A gateway between two polls (it was just answered, or lost its connection a moment ago) is still waited for this long. */
const BETWEEN_POLLS_MS = 3_000;
/** Gateways not seen for this long are forgotten. */
const FORGET_MS = 120_000;

/**
 * The change stream of the agreements in force (issue 29: a revocation applies at once on every
 * gateway). Each gateway process holds a long poll open (`POST /sharing/watch` with the version it
 * has); a change answers every open poll with the new agreements, and the gateway polls again
 * with the new version, which is its acknowledgement. The mutation that made the change answers
 * only once every gateway watching has acknowledged it (or after `ackTimeoutMs`, logged), so the
 * very next request through any gateway is decided under it.
 *
 * The version is this process's: a boot id and a generation bumped after each committed change.
 * One coordination process (deploy/k8s: replicas 1); a gateway whose stream is down falls back to
 * reading the agreements every SHARING_AGREEMENTS_TTL_MS.
 */
export class SharingChanges {
  private readonly boot = randomUUID().slice(0, 8);
  private generation = 0;
  private readonly waiting = new Set<() => void>();
  private readonly watchers = new Map<string, Watcher>();
  private readonly acks = new Set<() => void>();
  private closed = false;

  constructor(private readonly options: SharingChangesOptions) {}

  version(): string {
    return `${this.boot}.${this.generation}`;
  }

  /** Called after a change is committed: wakes every poll; returns the new generation (for `settled`). */
  bump(): number {
    this.generation++;
    for (const wake of [...this.waiting]) wake();
    return this.generation;
  }

  private generationOf(since: string | null | undefined): number {
    if (!since) return -1;
    const [boot, n] = since.split('.');
    return boot === this.boot && /^\d+$/.test(n ?? '') ? Number(n) : -1;
  }

  private pending(target: number, now = Date.now()): string[] {
    const out: string[] = [];
    for (const [id, w] of this.watchers) {
      if (w.open === 0 && now - w.seenAt > FORGET_MS) this.watchers.delete(id);
      else if (w.applied < target && (w.open > 0 || now - w.seenAt <= BETWEEN_POLLS_MS)) out.push(id);
    }
    return out;
  }

  /** Resolves true once every gateway watching has applied `generation`, false after ackTimeoutMs (logged). */
  async settled(generation: number): Promise<boolean> {
    if (this.pending(generation).length === 0) return true;
    const deadline = Date.now() + this.options.ackTimeoutMs;
    return await new Promise<boolean>((resolve) => {
      const check = () => {
        const left = this.pending(generation);
        if (left.length > 0 && Date.now() < deadline && !this.closed) return;
        this.acks.delete(check);
        clearInterval(tick);
        if (left.length > 0 && !this.closed) this.options.log.warn({ gateways: left, generation }, 'a sharing agreement change was not acknowledged by every gateway in time; they read it within their TTL');
        resolve(left.length === 0);
      };
      // Also on a clock: a gateway between polls stops being waited for after BETWEEN_POLLS_MS.
      const tick = setInterval(check, 100);
      tick.unref();
      this.acks.add(check);
    });
  }

  /**
   * One long poll of gateway `id` that has applied `since`: resolves at once when the version is
   * another, else when it changes, after holdMs, or when `gone()` (the gateway hung up, or this
   * service drains) turns true. Answers whether the version differs from `since`.
   */
  async watch(id: string, since: string | null, gone: () => boolean): Promise<boolean> {
    const watcher = this.watchers.get(id) ?? { applied: -1, open: 0, seenAt: 0 };
    this.watchers.set(id, watcher);
    watcher.applied = Math.max(watcher.applied, this.generationOf(since));
    watcher.open++;
    watcher.seenAt = Date.now();
    for (const check of [...this.acks]) check();
    try {
      if (since !== this.version() || this.closed) return since !== this.version();
      await new Promise<void>((resolve) => {
        const done = () => {
          this.waiting.delete(done);
          clearTimeout(timer);
          clearInterval(poll);
          resolve();
        };
        const timer = setTimeout(done, this.options.holdMs);
        const poll = setInterval(() => (gone() || this.closed) && done(), 250);
        this.waiting.add(done);
      });
      return since !== this.version();
    } finally {
      watcher.open--;
      watcher.seenAt = Date.now();
      // A gateway that hung up mid-poll is gone (it stopped): not waited for.
      if (gone() && watcher.open === 0) this.watchers.delete(id);
    }
  }

  /** Answers every open poll (a stopping service must not hold them). */
  close(): void {
    this.closed = true;
    for (const wake of [...this.waiting]) wake();
    for (const check of [...this.acks]) check();
  }
}
