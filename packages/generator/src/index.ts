export { createGeneration, generate, plantedFindings, plantSchedule, validateOptions, MAX_HOUSEHOLDS, type GenerateOptions, type Generation } from './generate.ts';
export type { PlantedFinding, RuleCode } from './rules.ts';
export { NEAR_MISS_KINDS, PLANTED_KINDS, type NearMiss, type NearMissKind, type PlantedKind } from './planted.ts';
export { DEPARTMENT_PREFIX } from './awards.ts';
export { COUNTIES } from './regions.ts';
export { ALL_GIVEN_NAMES } from './names.ts';
export { Rng, hash32 } from './random.ts';
export { outputStream, parseGenerateArgs, writeGeneration, USAGE, type GenerateArgs, type ParsedArgs } from './cli.ts';
