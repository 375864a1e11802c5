import { runAutocannon, type Target } from './picture.ts';
import { medianRun, type RunStats } from './stats.ts';

/** The household picture through our gateway with the sharing agreements enforced, and through a second one with SHARING_ENFORCEMENT=off. */
export interface EnforcementComparison {
  concurrency: number;
  on: RunStats & { pooledP99: number };
  off: RunStats & { pooledP99: number };
  /** Each round's p50 and p99 ratio, on ÷ off (the rounds alternate which goes first). */
  rounds: Array<{ p50: number; p99: number }>;
}

/**
 * Issue 29: what enforcing the agreements costs the household picture. The same caseworker's
 * pictures (their purpose under the shipped defaults, so every field outside civil affairs is
 * decided) through two gateways of the same build on the same subgraphs, one enforcing, one not,
 * alternating round by round; medians of the rounds and the ratio.
 */
export async function enforcementSideBySide(options: { on: Target; off: Target; bodies: string[]; concurrency: number; seconds: number; rounds: number; log: (m: string) => void }): Promise<EnforcementComparison> {
  const { on, off, bodies, concurrency, seconds, rounds, log } = options;
  // Warm both (plans, the decisions' cache, connections): not measured.
  await runAutocannon(on, bodies, concurrency, 2);
  await runAutocannon(off, bodies, concurrency, 2);
  const ons: RunStats[] = [];
  const offs: RunStats[] = [];
  const ratios: EnforcementComparison['rounds'] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
    const got: Partial<Record<'on' | 'off', RunStats>> = {};
    for (const which of order) got[which] = await runAutocannon(which === 'on' ? on : off, bodies, concurrency, seconds);
    ons.push(got.on!);
    offs.push(got.off!);
    ratios.push({ p50: got.on!.p50 / got.off!.p50, p99: got.on!.p99 / got.off!.p99 });
    log(`sharing enforcement c=${concurrency} round ${round + 1}: on p50 ${got.on!.p50.toFixed(1)} p99 ${got.on!.p99.toFixed(1)} ms, off p50 ${got.off!.p50.toFixed(1)} p99 ${got.off!.p99.toFixed(1)} ms`);
  }
  return { concurrency, on: medianRun(ons), off: medianRun(offs), rounds: ratios };
}
