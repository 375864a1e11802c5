import { describe, expect, it } from 'vitest';
import { SpikeDetector } from '../src/sharingSpikes.ts';

describe('SpikeDetector', () => {
  it('flags a caller whose reads jump far above their own usual level, not one who is always busy', () => {
    let now = 0;
    const spikes: Array<{ caller: string; reads: number }> = [];
    const d = new SpikeDetector({ windowMs: 1000, factor: 5, floor: 20, history: 3, now: () => now, onSpike: (s) => spikes.push(s) });
    // Ten windows: a usual caller reads 10 a window, a busy one 200.
    for (let w = 0; w < 10; w++) {
      d.record('usual', 'LABOUR', 10);
      d.record('busy', 'COORDINATION', 200);
      now += 1000;
    }
    d.tick();
    expect(spikes).toEqual([]);
    // The usual caller reads 300 in one window; the busy one 250.
    d.record('usual', 'LABOUR', 300);
    d.record('busy', 'COORDINATION', 250);
    now += 1000;
    d.tick();
    expect(spikes).toEqual([expect.objectContaining({ caller: 'usual', office: 'LABOUR', reads: 300 })]);
  });

  it('says nothing of a new caller, or of a few reads over nothing', () => {
    let now = 0;
    const spikes: unknown[] = [];
    const d = new SpikeDetector({ windowMs: 1000, factor: 5, floor: 20, history: 3, now: () => now, onSpike: (s) => spikes.push(s) });
    d.record('new', 'HEALTH', 500);
    now += 1000;
    d.tick();
    for (let w = 0; w < 5; w++) {
      now += 1000;
      d.tick();
    }
    d.record('new', 'HEALTH', 15);
    now += 1000;
    d.tick();
    expect(spikes).toEqual([]);
  });
});
