import { describe, expect, it } from 'vitest';
import { metricsRegistry } from '@saf/service';
import { Admission } from '../src/admission.ts';

const tick = () => new Promise((r) => setImmediate(r));

async function shedCount(reason: string): Promise<number> {
  const values = (await metricsRegistry.getSingleMetric('saf_gateway_operations_shed_total')!.get()).values;
  return values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

describe('admission control', () => {
  it('runs at most maxInFlight at once and admits the waiting in arrival order', async () => {
    const admission = new Admission({ maxInFlight: 2, maxQueued: 10, maxWaitMs: 10_000 });
    const order: number[] = [];
    const releases = new Map<number, () => void>();
    const entered = [1, 2, 3, 4, 5].map((n) =>
      admission.enter().then((release) => {
        order.push(n);
        releases.set(n, release);
      }),
    );
    await tick();
    expect(order).toEqual([1, 2]);
    expect(admission.counts).toEqual({ running: 2, queued: 3 });
    releases.get(2)!();
    await tick();
    expect(order).toEqual([1, 2, 3]);
    // Released twice: counted once.
    releases.get(2)!();
    await tick();
    expect(admission.counts).toEqual({ running: 2, queued: 2 });
    releases.get(1)!();
    releases.get(3)!();
    await Promise.all(entered);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    releases.get(4)!();
    releases.get(5)!();
    expect(admission.counts).toEqual({ running: 0, queued: 0 });
  });

  it('never lets a newcomer pass one already waiting, even in the instant a turn is handed over', async () => {
    const admission = new Admission({ maxInFlight: 1, maxQueued: 10, maxWaitMs: 10_000 });
    const first = await admission.enter();
    const order: string[] = [];
    const waiting = admission.enter().then((r) => (order.push('waiting'), r));
    first();
    // The turn went to the waiting one before its callback ran: a newcomer now waits.
    const newcomer = admission.enter().then((r) => (order.push('newcomer'), r));
    (await waiting)();
    (await newcomer)();
    expect(order).toEqual(['waiting', 'newcomer']);
    expect(admission.counts).toEqual({ running: 0, queued: 0 });
  });

  it('refuses with 503 OVERLOADED when the wait is full, and when the turn does not come in time', async () => {
    const admission = new Admission({ maxInFlight: 1, maxQueued: 1, maxWaitMs: 50 });
    const full = await shedCount('queue_full');
    const late = await shedCount('wait_timeout');
    const release = await admission.enter();
    const waiter = admission.enter();
    await expect(admission.enter()).rejects.toMatchObject({ status: 503, body: { errors: [{ extensions: { code: 'OVERLOADED' } }] } });
    await expect(waiter).rejects.toMatchObject({ status: 503, message: expect.stringContaining('no turn within 50 ms') });
    expect(admission.counts).toEqual({ running: 1, queued: 0 });
    expect(await shedCount('queue_full')).toBe(full + 1);
    expect(await shedCount('wait_timeout')).toBe(late + 1);
    // The one that timed out left no trace: the next release admits nobody and frees the slot.
    release();
    expect(admission.counts).toEqual({ running: 0, queued: 0 });
    (await admission.enter())();
  });

  it('holds nothing back when switched off (0)', async () => {
    const admission = new Admission({ maxInFlight: 0, maxQueued: 0, maxWaitMs: 1 });
    const releases = await Promise.all(Array.from({ length: 100 }, () => admission.enter()));
    expect(admission.counts).toEqual({ running: 0, queued: 0 });
    for (const release of releases) release();
  });
});
