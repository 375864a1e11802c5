import { describe, expect, it } from 'vitest';
import { DEMO_GENERATION, generate, generationNamespace, type GenerateOptions } from '@saf/generator';
import type { InterchangeRecord } from '@saf/interchange';

// `npm run generate` beside the demo (`npm start` loads seed 2026, 300 households): a generated
// file loaded into the demo system must not share a household, person or record id with it, or
// the load merges households (two 户主 in one) and moves awards to other people.

const idsOf = (options: GenerateOptions) => {
  const ids = new Map<string, Set<string>>();
  for (const r of generate(options) as Iterable<InterchangeRecord>) {
    // Standards are the counties' published amounts, the same in every file: one id, one content.
    if (r.type === 'standard') continue;
    const scope = r.type === 'award' ? `award:${r.department}` : r.type;
    ids.set(scope, (ids.get(scope) ?? new Set()).add(r.id));
  }
  return ids;
};

describe('ids of generated files', () => {
  const demo = idsOf(DEMO_GENERATION);

  it('keeps the demo file as it was: its ids carry no namespace', () => {
    expect(generationNamespace(DEMO_GENERATION)).toBe('');
    expect(demo.get('household')!.has('H654002000001')).toBe(true);
    expect([...demo.get('award:CIVIL_AFFAIRS')!][0]).toMatch(/^CA-\d{8}$/);
  });

  it.each([
    { households: 1000, seed: '2026' },
    { households: 300, seed: '1' },
    { households: 300, seed: '2026', plant: false },
    { households: 300, seed: '2026', regionPrefix: '654002' },
  ] as GenerateOptions[])('shares no id with the demo: %o', (options) => {
    const namespace = generationNamespace(options);
    expect(namespace).toMatch(/^G[0-9A-Z]{5}$/);
    const other = idsOf(options);
    for (const [scope, set] of other) {
      const shared = [...set].filter((id) => demo.get(scope)?.has(id));
      expect(shared, scope).toEqual([]);
    }
    expect([...other.get('household')!][0]).toMatch(new RegExp(`^H\\d{6}-${namespace}-\\d{6}$`));
  });

  it('gives the same arguments the same namespace, and different ones different namespaces', () => {
    expect(generationNamespace({ households: 50, seed: 'a' })).toBe(generationNamespace({ households: 50, seed: 'a' }));
    const spaces = new Set<string>();
    for (let seed = 0; seed < 200; seed++) spaces.add(generationNamespace({ households: 100, seed }));
    expect(spaces.size).toBe(200);
  });
});
