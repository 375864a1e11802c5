import { describe, expect, it } from 'vitest';
import { CircuitBreaker, RetryBudget, type BreakerState } from '../src/breaker.ts';
import { backoffMs } from '../src/subgraphClient.ts';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

function breaker(c: ReturnType<typeof clock>, changes: BreakerState[] = []) {
  return new CircuitBreaker({ failureThreshold: 3, failureRate: 0.5, minimumRequests: 10, windowMs: 10_000, cooldownMs: 1_000, probeTimeoutMs: 5_000, now: c.now, onChange: (s) => changes.push(s) });
}

describe('circuit breaker', () => {
  it('opens after consecutive failures and fails fast until the cool-down ends', () => {
    const c = clock();
    const b = breaker(c);
    b.failure();
    b.failure();
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    expect(b.allow()).toBe(false);
    c.advance(999);
    expect(b.allow()).toBe(false);
  });

  it('lets exactly one probe through when half-open; its success closes the circuit', () => {
    const c = clock();
    const changes: BreakerState[] = [];
    const b = breaker(c, changes);
    for (let i = 0; i < 3; i++) b.failure();
    c.advance(1_000);
    expect(b.allow()).toBe(true);
    expect(b.state).toBe('half-open');
    expect(b.allow()).toBe(false);
    b.success();
    expect(b.state).toBe('closed');
    expect(b.allow()).toBe(true);
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('a failed probe opens it for another cool-down', () => {
    const c = clock();
    const b = breaker(c);
    for (let i = 0; i < 3; i++) b.failure();
    c.advance(1_000);
    expect(b.allow()).toBe(true);
    b.failure();
    expect(b.state).toBe('open');
    c.advance(500);
    expect(b.allow()).toBe(false);
    c.advance(500);
    expect(b.allow()).toBe(true);
  });

  it('a probe that never reports does not block the next one for ever', () => {
    const c = clock();
    const b = breaker(c);
    for (let i = 0; i < 3; i++) b.failure();
    c.advance(1_000);
    expect(b.allow()).toBe(true);
    c.advance(4_999);
    expect(b.allow()).toBe(false);
    c.advance(1);
    expect(b.allow()).toBe(true);
  });

  it('opens on a failure rate without consecutive failures', () => {
    const c = clock();
    const b = breaker(c);
    for (let i = 0; i < 5; i++) {
      b.success();
      b.failure();
      b.failure();
      if (b.state === 'open') break;
    }
    expect(b.state).toBe('open');
  });

  it('forgets failures older than the window', () => {
    const c = clock();
    const b = breaker(c);
    for (let i = 0; i < 6; i++) {
      b.failure();
      b.success();
    }
    c.advance(11_000);
    for (let i = 0; i < 4; i++) b.success();
    b.failure();
    expect(b.state).toBe('closed');
  });
});

describe('retry budget', () => {
  it('allows retries up to the floor plus the ratio of requests in the window', () => {
    const c = clock();
    const budget = new RetryBudget(0.1, 3, 10_000, c.now);
    for (let i = 0; i < 100; i++) budget.request();
    let granted = 0;
    while (budget.tryRetry()) granted++;
    expect(granted).toBe(13);
    c.advance(10_001);
    expect(budget.tryRetry()).toBe(true);
  });
});

describe('backoff', () => {
  it('grows exponentially with full jitter and a cap', () => {
    expect(backoffMs(0, () => 0.999)).toBe(49);
    expect(backoffMs(3, () => 0.999)).toBe(399);
    expect(backoffMs(10, () => 0.999)).toBe(999);
    expect(backoffMs(5, () => 0)).toBe(0);
  });
});
