import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Caller } from '@saf/auth';
import { CallerLimits, RateLimitedError, type CallerLimitOptions } from '../src/callerLimits.ts';
import { DEFAULT_CALLER_LIMITS, gatewayConfig } from '../src/config.ts';

const alice: Caller = { sub: 'alice', role: 'CASEWORKER', region: '654002' };
const bob: Caller = { sub: 'bob', role: 'CASEWORKER', region: '654002' };
const analyst = (sub: string): Caller => ({ sub, role: 'ANALYST' });

/** A clock the test moves, shared by the limiter and the fake timers. */
let clock = 0;
const now = () => clock;
async function advance(ms: number): Promise<void> {
  clock += ms;
  await vi.advanceTimersByTimeAsync(ms);
}
const settle = () => vi.advanceTimersByTimeAsync(0);

function limiter(options: Partial<CallerLimitOptions> = {}): CallerLimits {
  return new CallerLimits({ perCaller: { CASEWORKER: { ratePerSecond: 2, burst: 3, concurrent: 10 } }, perRole: {}, maxWaitMs: 1000, maxQueuedPerCaller: 20, ...options }, now);
}

/** Enters, recording when it was let in or why it was refused. */
function track(limits: CallerLimits, caller: Caller) {
  const state: { release?: () => void; error?: RateLimitedError } = {};
  const done = limits.enter(caller).then(
    (release) => void (state.release = release),
    (err: RateLimitedError) => void (state.error = err),
  );
  return { state, done };
}

beforeEach(() => {
  clock = 0;
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('limits per caller', () => {
  it('lets a burst through at once, then paces the caller to its rate, then refuses with 429 and Retry-After', async () => {
    const limits = limiter();
    const first = [track(limits, alice), track(limits, alice), track(limits, alice)];
    await settle();
    expect(first.every((t) => t.state.release)).toBe(true);
    // The fourth waits for the next token (half a second at 2 a second), the fifth for the one after.
    const fourth = track(limits, alice);
    const fifth = track(limits, alice);
    await settle();
    expect(fourth.state.release).toBeUndefined();
    await advance(500);
    expect(fourth.state.release).toBeDefined();
    expect(fifth.state.release).toBeUndefined();
    await advance(500);
    expect(fifth.state.release).toBeDefined();
    // Asking faster still: the next tokens are promised beyond the longest wait, so refused now.
    const burst = Array.from({ length: 4 }, () => track(limits, alice));
    await advance(1000);
    await Promise.all(burst.map((t) => t.done));
    const refused = burst.filter((t) => t.state.error);
    expect(refused.length).toBeGreaterThan(0);
    const error = refused[0]!.state.error!;
    expect(error.status).toBe(429);
    expect(error.reason).toBe('rate');
    expect(error.headers['retry-after']).toBe(String(error.retryAfterSeconds));
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(error.body).toMatchObject({ errors: [{ extensions: { code: 'RATE_LIMITED', reason: 'rate' } }] });
  });

  it('keeps callers apart: one caller at its limit does not slow another', async () => {
    const limits = limiter();
    for (let i = 0; i < 3; i++) track(limits, alice);
    const waiting = track(limits, alice);
    const other = track(limits, bob);
    await settle();
    expect(waiting.state.release).toBeUndefined();
    expect(other.state.release).toBeDefined();
  });

  it('runs at most `concurrent` of one caller at once; the rest wait their turn, then 429 when it does not come', async () => {
    const limits = limiter({ perCaller: { CASEWORKER: { ratePerSecond: 100, burst: 100, concurrent: 2 } } });
    const [a, b, c, d] = [track(limits, alice), track(limits, alice), track(limits, alice), track(limits, alice)];
    await settle();
    expect([a, b, c, d].map((t) => !!t.state.release)).toEqual([true, true, false, false]);
    a.state.release!();
    // Released twice: counted once.
    a.state.release!();
    await settle();
    expect(c.state.release).toBeDefined();
    expect(d.state.release).toBeUndefined();
    await advance(1000);
    await d.done;
    expect(d.state.error?.reason).toBe('concurrency');
    expect(d.state.error?.status).toBe(429);
  });

  it('refuses at once when too many of a caller\'s operations already wait', async () => {
    const limits = limiter({ perCaller: { CASEWORKER: { ratePerSecond: 100, burst: 100, concurrent: 1 } }, maxQueuedPerCaller: 2 });
    const tracked = Array.from({ length: 4 }, () => track(limits, alice));
    await settle();
    expect(tracked.map((t) => (t.state.release ? 'in' : t.state.error?.reason ?? 'waiting'))).toEqual(['in', 'waiting', 'waiting', 'queue_full']);
  });

  it('caps a role\'s callers together, whoever they are, without touching other roles', async () => {
    const limits = new CallerLimits(
      { perCaller: { ANALYST: DEFAULT_CALLER_LIMITS.ANALYST, CASEWORKER: DEFAULT_CALLER_LIMITS.CASEWORKER }, perRole: { ANALYST: 2 }, maxWaitMs: 1000, maxQueuedPerCaller: 20 },
      now,
    );
    const analysts = ['a1', 'a2', 'a3'].map((sub) => track(limits, analyst(sub)));
    const caseworker = track(limits, alice);
    await settle();
    expect(analysts.map((t) => !!t.state.release)).toEqual([true, true, false]);
    expect(caseworker.state.release).toBeDefined();
    analysts[0]!.state.release!();
    await settle();
    expect(analysts[2]!.state.release).toBeDefined();
  });

  it('forgets nothing a caller is owed: a waiting caller keeps its place however many others come and go', async () => {
    const limits = limiter({ perCaller: { CASEWORKER: { ratePerSecond: 100, burst: 100, concurrent: 1 } } });
    const held = track(limits, alice);
    const waiting = track(limits, alice);
    for (let i = 0; i < 50; i++) {
      const t = track(limits, { sub: `cw-${i}`, role: 'CASEWORKER', region: '65' });
      await settle();
      t.state.release!();
    }
    held.state.release!();
    await settle();
    expect(waiting.state.release).toBeDefined();
  });
});

describe('CALLER_LIMITS and ROLE_MAX_CONCURRENT', () => {
  it('default to the documented values, on', () => {
    const config = gatewayConfig({});
    expect(config.CALLER_LIMITS).toEqual(DEFAULT_CALLER_LIMITS);
    expect(config.ROLE_MAX_CONCURRENT).toEqual({ ANALYST: 4, AUDITOR: 4 });
  });

  it('take ROLE=rate/burst/concurrent pairs over the defaults, ROLE=off, and off', () => {
    const config = gatewayConfig({ CALLER_LIMITS: 'ANALYST=1/5/1, AUDITOR=off', ROLE_MAX_CONCURRENT: 'off' });
    expect(config.CALLER_LIMITS.ANALYST).toEqual({ ratePerSecond: 1, burst: 5, concurrent: 1 });
    expect(config.CALLER_LIMITS.AUDITOR).toBeUndefined();
    expect(config.CALLER_LIMITS.CASEWORKER).toEqual(DEFAULT_CALLER_LIMITS.CASEWORKER);
    expect(config.ROLE_MAX_CONCURRENT).toEqual({});
    expect(gatewayConfig({ CALLER_LIMITS: 'off' }).CALLER_LIMITS).toEqual({});
  });

  it('name every mistake', () => {
    expect(() => gatewayConfig({ CALLER_LIMITS: 'CLERK=1/2/3 ANALYST=0/5/1 AUDITOR=5', ROLE_MAX_CONCURRENT: 'ANALYST=none' })).toThrow(
      /CALLER_LIMITS: unknown role CLERK[\s\S]*ANALYST: "0\/5\/1" is not rate\/burst\/concurrent[\s\S]*AUDITOR: "5" is not[\s\S]*ROLE_MAX_CONCURRENT: ANALYST: "none"/,
    );
  });
});
