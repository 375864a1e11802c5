import type { InterchangeRecord } from '@saf/interchange';
import { createGeneration, type GenerateOptions, type IneligibleCase, type NearMiss, type PlantedFinding } from '../src/index.ts';

export interface Generated {
  records: InterchangeRecord[];
  lines: string[];
  planted: PlantedFinding[];
  nearMisses: NearMiss[];
  ineligible: IneligibleCase[];
}

const cache = new Map<string, Generated>();

/** A generation held in memory (tests only; the CLI streams). */
export function generated(options: GenerateOptions): Generated {
  const key = JSON.stringify(options);
  const hit = cache.get(key);
  if (hit) return hit;
  const g = createGeneration(options);
  const records = [...g.records];
  const result = { records, lines: records.map((r) => JSON.stringify(r)), planted: g.planted, nearMisses: g.nearMisses, ineligible: g.ineligible };
  cache.set(key, result);
  return result;
}
