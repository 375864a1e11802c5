import { programme } from '@saf/programmes';
import { pairKey, type RuleDefinition, type RuleSet } from './ruleSet.ts';
import type { RuleCode } from './types.ts';

/** A rule set turned into the lookups the engine asks per pair. */
export interface Lookups {
  isRepeatable(code: string): boolean;
  isExclusive(a: string, b: string): boolean;
  isHouseholdExclusive(a: string, b: string): boolean;
  /** Programmes in some household pair: only their awards are compared across members. */
  inHouseholdPair(code: string): boolean;
  rule(code: RuleCode): RuleDefinition;
}

// Per rule set object, so a sweep over many households compiles once; a new rule set is a new object.
const cache = new WeakMap<RuleSet, Lookups>();

export function lookupsFor(ruleSet: RuleSet): Lookups {
  const cached = cache.get(ruleSet);
  if (cached) return cached;
  const exclusive = new Set(ruleSet.exclusivePairs.map(([a, b]) => pairKey(a, b)));
  const household = new Set(ruleSet.householdExclusivePairs.map(([a, b]) => pairKey(a, b)));
  const householdProgrammes = new Set(ruleSet.householdExclusivePairs.flat());
  const overrides = new Map(Object.entries(ruleSet.repeatableOverrides));
  const rules = new Map(ruleSet.rules.map((r) => [r.code, r]));
  const lookups: Lookups = {
    // A programme outside the catalogue (should the data hold one) is treated as not repeatable.
    isRepeatable: (code) => overrides.get(code) ?? programme(code)?.repeatable ?? false,
    isExclusive: (a, b) => exclusive.has(pairKey(a, b)),
    isHouseholdExclusive: (a, b) => household.has(pairKey(a, b)),
    inHouseholdPair: (code) => householdProgrammes.has(code),
    rule: (code) => {
      const rule = rules.get(code);
      if (!rule) throw new Error(`rule set has no rule ${code}`);
      return rule;
    },
  };
  cache.set(ruleSet, lookups);
  return lookups;
}
