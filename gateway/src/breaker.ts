import { RollingCounts } from './rolling.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** Share of failed requests in the window that opens it (once `minimumRequests` were seen). */
  failureRate: number;
  minimumRequests: number;
  windowMs: number;
  /** How long an open circuit fails fast before letting one probe through. */
  cooldownMs: number;
  /** A probe that has not reported after this long no longer blocks the next one. */
  probeTimeoutMs: number;
  now?: () => number;
  onChange?: (state: BreakerState) => void;
}

/**
 * One subgraph's circuit breaker. Closed: everything goes. Open (after `failureThreshold`
 * consecutive failures, or a failure rate over the window): requests fail fast without touching
 * the subgraph. After the cool-down, half-open: exactly one probe goes; its success closes the
 * circuit, its failure opens it for another cool-down.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private consecutive = 0;
  private openedAt = 0;
  private probeStartedAt: number | null = null;
  private readonly window: RollingCounts<'ok' | 'failed'>;
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now;
    this.window = new RollingCounts(['ok', 'failed'], options.windowMs, this.now);
  }

  get state(): BreakerState {
    return this.current;
  }

  /** Whether a request may go to the subgraph now (in half-open: whether it is the probe). */
  allow(): boolean {
    if (this.current === 'closed') return true;
    const t = this.now();
    if (this.current === 'open') {
      if (t - this.openedAt < this.options.cooldownMs) return false;
      this.transition('half-open');
    }
    if (this.probeStartedAt !== null && t - this.probeStartedAt < this.options.probeTimeoutMs) return false;
    this.probeStartedAt = t;
    return true;
  }

  success(): void {
    this.consecutive = 0;
    this.window.add('ok');
    if (this.current !== 'closed') {
      this.probeStartedAt = null;
      this.window.reset();
      this.transition('closed');
    }
  }

  failure(): void {
    this.consecutive++;
    this.window.add('failed');
    if (this.current === 'half-open') return this.open();
    if (this.current === 'open') return;
    const { ok, failed } = this.window.totals();
    const total = ok + failed;
    if (this.consecutive >= this.options.failureThreshold || (total >= this.options.minimumRequests && failed / total >= this.options.failureRate)) this.open();
  }

  private open(): void {
    this.openedAt = this.now();
    this.probeStartedAt = null;
    this.transition('open');
  }

  private transition(state: BreakerState): void {
    if (state === this.current) return;
    this.current = state;
    this.options.onChange?.(state);
  }
}

/**
 * Caps retries at a share of the requests over a sliding window (plus a small floor, so a quiet
 * subgraph can still retry a dropped connection): retries add at most that much load to a
 * subgraph that is already struggling.
 */
export class RetryBudget {
  private readonly window: RollingCounts<'requests' | 'retries'>;

  constructor(
    private readonly ratio: number,
    private readonly minimumPerWindow: number,
    windowMs: number,
    now: () => number = Date.now,
  ) {
    this.window = new RollingCounts(['requests', 'retries'], windowMs, now);
  }

  request(): void {
    this.window.add('requests');
  }

  /** Takes one retry from the budget when there is one left. */
  tryRetry(): boolean {
    const { requests, retries } = this.window.totals();
    if (retries >= this.minimumPerWindow + this.ratio * requests) return false;
    this.window.add('retries');
    return true;
  }
}
