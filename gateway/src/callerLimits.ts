/**
 * Limits per caller: each subject (a token's `sub`, per role) gets a rate (a token bucket: so
 * many operations a second, with a burst) and a number of operations in flight; each role may
 * also have a ceiling for all its callers together (the analysts' figures must not crowd out the
 * caseworkers' household pictures). A caller over a limit first waits its turn, briefly and in
 * arrival order, so a person clicking through the console is slowed rather than refused; a
 * caller who keeps asking faster than the limit (a scraper, a script in a loop) gets 429
 * RATE_LIMITED with Retry-After once the wait would be longer than `maxWaitMs` or more than
 * `maxQueuedPerCaller` of their operations are already waiting.
 *
 * Per gateway process: with GATEWAY_WORKERS > 1 each worker keeps its own counts (a caller's
 * connections are spread over them), so a caller may get up to that many times the limits.
 * Requests our own services sign are not counted: they are part of an operation already counted.
 */
import { Counter, Histogram } from 'prom-client';
import type { Caller, Role } from '@saf/auth';
import { HttpError, metric } from '@saf/service';

export interface RoleLimit {
  /** Operations a second a caller of this role may sustain. */
  ratePerSecond: number;
  /** Operations a caller may send at once after a quiet spell (the bucket's size). */
  burst: number;
  /** Operations of one caller executing at once. */
  concurrent: number;
}

export interface CallerLimitOptions {
  /** Per role; a role without an entry is not limited. */
  perCaller: Partial<Record<Role, RoleLimit>>;
  /** Operations executing at once for all callers of a role together (absent: no ceiling). */
  perRole: Partial<Record<Role, number>>;
  /** How long an operation may wait for its turn before 429. */
  maxWaitMs: number;
  /** Operations of one caller waiting at once, at most; beyond, 429 at once. */
  maxQueuedPerCaller: number;
}

const limited = metric(
  'saf_gateway_caller_limited_total',
  () =>
    new Counter({
      name: 'saf_gateway_caller_limited_total',
      help: 'Client operations refused with 429 by the per-caller limits, by role and by the limit that refused them (rate, concurrency, role_concurrency, queue_full).',
      labelNames: ['role', 'reason'] as const,
    }),
);
const delayed = metric(
  'saf_gateway_caller_wait_seconds',
  () =>
    new Histogram({
      name: 'saf_gateway_caller_wait_seconds',
      help: 'How long an operation waited for its caller\'s (or role\'s) turn, by role; 0 when it did not wait.',
      labelNames: ['role'] as const,
      buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
);

type Reason = 'rate' | 'concurrency' | 'role_concurrency' | 'queue_full';

export class RateLimitedError extends HttpError {
  constructor(
    readonly reason: Reason,
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(429, message, { errors: [{ message, extensions: { code: 'RATE_LIMITED', reason, retryAfterSeconds } }] }, { 'retry-after': String(retryAfterSeconds) });
  }
}

interface Waiter {
  admit: () => void;
  timer: NodeJS.Timeout;
}

/** A counting semaphore whose waiters are admitted in arrival order, each with its own deadline. */
class Slots {
  running = 0;
  private readonly waiting = new Set<Waiter>();

  constructor(private readonly size: number) {}

  get queued(): number {
    return this.waiting.size;
  }

  get idle(): boolean {
    return this.running === 0 && this.waiting.size === 0;
  }

  /** Resolves once a slot is taken; rejects with `onTimeout()` when none frees within `waitMs`. */
  acquire(waitMs: number, onTimeout: () => Error): Promise<void> | null {
    if (this.running < this.size && this.waiting.size === 0) {
      this.running++;
      return null;
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        admit: resolve,
        timer: setTimeout(() => {
          this.waiting.delete(waiter);
          reject(onTimeout());
        }, Math.max(0, waitMs)),
      };
      this.waiting.add(waiter);
    });
  }

  release(): void {
    this.running--;
    for (const waiter of this.waiting) {
      if (this.running >= this.size) break;
      this.waiting.delete(waiter);
      clearTimeout(waiter.timer);
      this.running++;
      waiter.admit();
    }
  }
}

interface CallerState {
  /** Tokens in the bucket; negative while operations wait for tokens already promised to them. */
  tokens: number;
  refilledAt: number;
  slots: Slots;
}

/** More callers than this kept at once: idle ones with a full bucket are forgotten (they lose nothing). */
const PRUNE_ABOVE = 10_000;

export class CallerLimits {
  private readonly callers = new Map<string, CallerState>();
  private readonly roles = new Map<Role, Slots>();

  constructor(
    private readonly options: CallerLimitOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    for (const [role, size] of Object.entries(options.perRole) as [Role, number][]) this.roles.set(role, new Slots(size));
  }

  /**
   * Waits for the caller's turn and resolves with `release` (call it once the answer is sent), or
   * rejects with a RateLimitedError (429).
   */
  async enter(caller: Caller): Promise<() => void> {
    const limit = this.options.perCaller[caller.role];
    const roleSlots = this.roles.get(caller.role);
    if (!limit && !roleSlots) return () => {};
    const started = this.now();
    const deadline = started + this.options.maxWaitMs;
    const releases: (() => void)[] = [];
    const release = () => {
      for (const r of releases.splice(0)) r();
    };
    try {
      if (limit) {
        const state = this.stateOf(caller, limit);
        const wait = this.takeToken(state, limit, caller);
        if (wait > 0) await sleep(wait);
        if (state.slots.running >= limit.concurrent && state.slots.queued >= this.options.maxQueuedPerCaller) {
          throw this.refuse(caller, 'queue_full', 1, `more than ${this.options.maxQueuedPerCaller} of your requests are already waiting; slow down`);
        }
        await this.take(state.slots, deadline, () => this.refuse(caller, 'concurrency', 1, `at most ${limit.concurrent} of your requests run at once and they did not finish within ${this.options.maxWaitMs} ms; try again shortly`));
        releases.push(() => state.slots.release());
      }
      if (roleSlots) {
        await this.take(roleSlots, deadline, () => this.refuse(caller, 'role_concurrency', 2, `requests of role ${caller.role} are at their limit; try again shortly`));
        releases.push(() => roleSlots.release());
      }
    } catch (err) {
      release();
      throw err;
    }
    delayed.observe({ role: caller.role }, (this.now() - started) / 1000);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
    };
  }

  private async take(slots: Slots, deadline: number, onTimeout: () => Error): Promise<void> {
    const pending = slots.acquire(deadline - this.now(), onTimeout);
    if (pending) await pending;
  }

  /** Takes a token now or promises the next one; the milliseconds to wait for it (0: none). */
  private takeToken(state: CallerState, limit: RoleLimit, caller: Caller): number {
    const now = this.now();
    state.tokens = Math.min(limit.burst, state.tokens + ((now - state.refilledAt) / 1000) * limit.ratePerSecond);
    state.refilledAt = now;
    const wait = state.tokens >= 1 ? 0 : ((1 - state.tokens) / limit.ratePerSecond) * 1000;
    if (wait > this.options.maxWaitMs) {
      throw this.refuse(caller, 'rate', Math.ceil(wait / 1000), `more than ${limit.ratePerSecond} requests a second (burst ${limit.burst}) for role ${caller.role}; try again in ${Math.ceil(wait / 1000)} s`);
    }
    state.tokens -= 1;
    return wait;
  }

  private stateOf(caller: Caller, limit: RoleLimit): CallerState {
    const key = `${caller.role}\u0000${caller.sub}`;
    let state = this.callers.get(key);
    if (!state) {
      if (this.callers.size >= PRUNE_ABOVE) this.prune();
      state = { tokens: limit.burst, refilledAt: this.now(), slots: new Slots(limit.concurrent) };
      this.callers.set(key, state);
    }
    return state;
  }

  /** Forgets callers that are idle and whose bucket has refilled: remembering them changes nothing. */
  private prune(): void {
    const now = this.now();
    for (const [key, state] of this.callers) {
      const role = key.slice(0, key.indexOf('\u0000')) as Role;
      const limit = this.options.perCaller[role];
      const full = !limit || state.tokens + ((now - state.refilledAt) / 1000) * limit.ratePerSecond >= limit.burst;
      if (full && state.slots.idle) this.callers.delete(key);
    }
  }

  private refuse(caller: Caller, reason: Reason, retryAfterSeconds: number, message: string): RateLimitedError {
    limited.inc({ role: caller.role, reason });
    return new RateLimitedError(reason, retryAfterSeconds, `请求过于频繁，请稍后再试。 ${message}`);
  }

  /** Callers remembered (tests, metrics). */
  get size(): number {
    return this.callers.size;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
