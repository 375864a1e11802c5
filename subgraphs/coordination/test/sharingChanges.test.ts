import { describe, expect, it } from 'vitest';
import { createLogger } from '@saf/service';
import { SharingChanges } from '../src/sharingChanges.ts';

const log = createLogger('coordination', 'silent');
const open = () => false;

describe('the change stream of the sharing agreements', () => {
  it('answers a watch at once when the gateway holds another version, and holds it when it holds this one', async () => {
    const changes = new SharingChanges({ holdMs: 60_000, ackTimeoutMs: 1_000, log });
    expect(await changes.watch('a', null, open)).toBe(true);
    let answered = false;
    const held = changes.watch('a', changes.version(), open).then((changed) => ((answered = true), changed));
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    changes.bump();
    expect(await held).toBe(true);
    changes.close();
  });

  it('a change is settled once every watching gateway has polled again with it, not before', async () => {
    const changes = new SharingChanges({ holdMs: 60_000, ackTimeoutMs: 5_000, log });
    await changes.watch('a', null, open);
    await changes.watch('b', null, open);
    const pollA = changes.watch('a', changes.version(), open);
    const pollB = changes.watch('b', changes.version(), open);
    const generation = changes.bump();
    let settled: boolean | null = null;
    const done = changes.settled(generation).then((ok) => (settled = ok));
    await Promise.all([pollA, pollB]);
    // A has applied it and asks again; B not yet.
    void changes.watch('a', changes.version(), open);
    await new Promise((r) => setTimeout(r, 150));
    expect(settled).toBeNull();
    void changes.watch('b', changes.version(), open);
    await done;
    expect(settled).toBe(true);
    changes.close();
  });

  it('does not wait past its deadline for a gateway that never acknowledges, nor for one that hung up', async () => {
    const changes = new SharingChanges({ holdMs: 60_000, ackTimeoutMs: 300, log });
    await changes.watch('slow', null, open);
    void changes.watch('slow', changes.version(), open);
    let gone = false;
    await changes.watch('gone', null, open);
    const hungUp = changes.watch('gone', changes.version(), () => gone);
    gone = true;
    await hungUp;
    const started = Date.now();
    expect(await changes.settled(changes.bump())).toBe(false);
    expect(Date.now() - started).toBeLessThan(3_000);
    changes.close();
  });

  it('closing answers every held watch', async () => {
    const changes = new SharingChanges({ holdMs: 60_000, ackTimeoutMs: 300, log });
    const held = changes.watch('a', changes.version(), open);
    changes.close();
    expect(await held).toBe(false);
  });
});
