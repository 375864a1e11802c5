import { describe, expect, it } from 'vitest';
import { generate, plantedFindings } from '../src/index.ts';

const text = (households: number, seed: string | number) => [...generate({ households, seed })].map((r) => JSON.stringify(r)).join('\n');

describe('determinism', () => {
  it('gives the same file for the same seed', () => {
    expect(text(300, 'ili-2026')).toBe(text(300, 'ili-2026'));
    expect(plantedFindings({ households: 300, seed: 'ili-2026' })).toEqual(plantedFindings({ households: 300, seed: 'ili-2026' }));
  });

  it('treats a numeric seed and its text alike', () => {
    expect(text(50, 7)).toBe(text(50, '7'));
  });

  it('gives a different file for a different seed', () => {
    // Civil affairs' standards are policy, the same whatever the seed: only the households' records vary.
    const households = (t: string) => t.split('\n').filter((line) => !line.startsWith('{"type":"standard"'));
    const a = households(text(100, 1));
    const b = households(text(100, 2));
    expect(a).not.toEqual(b);
    // Not a shifted copy either: most lines differ.
    const same = a.filter((line) => b.includes(line)).length;
    expect(same).toBeLessThan(a.length / 10);
  });

  it('refuses a bad number of households or an unknown region', () => {
    expect(() => generate({ households: 0, seed: 1 })).toThrow(/households/);
    expect(() => generate({ households: 1.5, seed: 1 })).toThrow(/households/);
    expect(() => generate({ households: 10, seed: 1, regionPrefix: '6501' })).toThrow(/Ili/);
    expect(() => generate({ households: 10, seed: 1, regionPrefix: '65400' })).toThrow(/prefix/);
  });
});
