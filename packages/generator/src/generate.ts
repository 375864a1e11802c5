/**
 * The generator: households one at a time, each with its persons, certificates and awards, as
 * interchange records. Memory holds the uniqueness keys and the planted list, never the records,
 * so a file of 100,000 households streams.
 */
import { createHash } from 'node:crypto';
import type { AwardRecord, DisabilityCertificateRecord, HouseholdRecord, InterchangeRecord, PersonRecord } from '@saf/interchange';
import { awardRecord, HouseholdLedger, notBeforeBirth, stopAtDeath } from './awards.ts';
import { backgroundAid } from './background.ts';
import { currentMinimumLiving, householdMeans, INELIGIBLE_KINDS, standardRecords, type HouseholdMeans, type IneligibleCase, type IneligibleKind } from './economy.ts';
import { BACKGROUND_TYPES, makeHousehold, type Household } from './households.ts';
import { householdsOf, plant, PLANTED_KINDS, type NearMiss, type PlantedKind } from './planted.ts';
import { Rng } from './random.ts';
import { RegionScope } from './regions.ts';
import { Registry, issuedKey } from './registry.ts';
import type { PlantedFinding } from './rules.ts';
import { PaymentPlanter, type PaymentNearMiss, type PlantedPaymentFinding } from './payments.ts';

export interface GenerateOptions {
  /** How many households (planted ones included). */
  households: number;
  /** Same seed, same file. */
  seed: string | number;
  /** Places households under this region code prefix (default `6540`, the whole Ili prefecture). */
  regionPrefix?: string;
  /**
   * Plant duplicate-aid cases and ineligible 低保 households (default true); without them the file
   * has no finding at all and every household on 低保 meets the conditions of SPEC section 10.
   */
  plant?: boolean;
  /**
   * A year of monthly payments (SPEC section 11) for the generated awards, and the recipients'
   * accounts: the year (e.g. 2025), or none (default). With `plant`, planted cases of every payment
   * rule and near misses (payments.ts).
   */
  paymentsYear?: number;
}

export interface Generation {
  /** The records, household by household; iterate once. */
  records: Generator<InterchangeRecord, void>;
  /** The findings the planted cases must produce; complete once `records` is exhausted. */
  planted: PlantedFinding[];
  /** Planted cases that must produce no finding; complete once `records` is exhausted. */
  nearMisses: NearMiss[];
  /**
   * Households on 低保 that fail its conditions: planted (property, income) and the few found
   * (unemployment insurance over the standard); complete once `records` is exhausted.
   */
  ineligible: IneligibleCase[];
  /** The payment findings the planted payment cases must produce (with `paymentsYear`). */
  plantedPayments: PlantedPaymentFinding[];
  /** Payments that must produce no finding (with `paymentsYear`). */
  paymentNearMisses: PaymentNearMiss[];
}

/** Every eighth ordinary household has four members and aid from all seven departments. */
const ALL_DEPARTMENTS_EVERY = 8;
/** Roughly one planted household per this many. */
const PLANTED_EVERY = 50;
/** One ordinary household on 低保 in this many is planted ineligible (the second one first, so small files have one). */
const INELIGIBLE_EVERY = 20;

export const MAX_HOUSEHOLDS = 10_000_000;

/** The demo's file (`npm start` loads it): its ids carry no namespace. */
export const DEMO_GENERATION = { households: 300, seed: '2026' } as const;

const isDemo = (options: GenerateOptions): boolean =>
  options.households === DEMO_GENERATION.households && String(options.seed) === DEMO_GENERATION.seed && (options.regionPrefix ?? '6540') === '6540' && (options.plant ?? true);

/**
 * What the record ids of a generation carry so that two different generations never share one:
 * `G` and five characters from a hash of everything that shapes the file (seed, households,
 * region, planting); the same arguments give the same namespace (and the same file, which loads
 * again as a no-op). The demo's file has none: its ids stay as they were (`H654002000001`).
 */
export function generationNamespace(options: GenerateOptions): string {
  if (isDemo(options)) return '';
  const digest = createHash('sha256').update(JSON.stringify([String(options.seed), options.households, options.regionPrefix ?? '6540', options.plant ?? true])).digest();
  return `G${(digest.readUInt32BE(0) % 36 ** 5).toString(36).toUpperCase().padStart(5, '0')}`;
}

let demoIds: Set<string> | null = null;

/** The demo's ID numbers (as `issuedKey` gives them): a person's ID is a number, with no room for a namespace, so others never issue these. */
function demoPersonKeys(): Set<string> {
  if (!demoIds) {
    const keys = new Set<string>();
    for (const r of createGeneration(DEMO_GENERATION).records) if (r.type === 'person') keys.add(issuedKey(r.id));
    demoIds = keys;
  }
  return demoIds;
}

export function validateOptions(options: GenerateOptions): void {
  const { households, seed } = options;
  if (!Number.isSafeInteger(households) || households < 1 || households > MAX_HOUSEHOLDS) {
    throw new RangeError(`households must be a whole number from 1 to ${MAX_HOUSEHOLDS}, got ${households}`);
  }
  if (String(seed).length === 0) throw new RangeError('seed must not be empty');
}

/**
 * Where planted cases go: every kind at least once (when the households allow), about one planted
 * household per 50, spread evenly after the first household (which is always a four-member one).
 */
export function plantSchedule(households: number, enabled: boolean): Map<number, PlantedKind> {
  const schedule = new Map<number, PlantedKind>();
  if (!enabled || households < 2) return schedule;
  const target = Math.max(PLANTED_KINDS.reduce((n, k) => n + householdsOf(k), 0), Math.round(households / PLANTED_EVERY));
  const slots: PlantedKind[] = [];
  for (let n = 0, i = 0; n < target; i++) {
    const kind = PLANTED_KINDS[i % PLANTED_KINDS.length]!;
    slots.push(kind);
    n += householdsOf(kind);
  }
  let cursor = 1;
  slots.forEach((kind, j) => {
    const at = Math.max(cursor, 1 + Math.floor((j * (households - 1)) / slots.length));
    if (at + householdsOf(kind) > households) return;
    schedule.set(at, kind);
    cursor = at + householdsOf(kind);
  });
  return schedule;
}

export function createGeneration(options: GenerateOptions): Generation {
  validateOptions(options);
  const seed = String(options.seed);
  const scope = new RegionScope(options.regionPrefix ?? '6540');
  const namespace = generationNamespace(options);
  const registry = namespace ? new Registry(`${namespace}-`, demoPersonKeys()) : new Registry();
  const schedule = plantSchedule(options.households, options.plant ?? true);
  const planted: PlantedFinding[] = [];
  const nearMisses: NearMiss[] = [];
  const ineligible: IneligibleCase[] = [];
  const plantIneligible = options.plant ?? true;
  const payer = options.paymentsYear ? new PaymentPlanter(options.paymentsYear, seed, options.plant ?? true) : null;

  function* records(): Generator<InterchangeRecord, void> {
    let ordinary = 0;
    let onMinimumLiving = 0;
    for (let i = 0; i < options.households; ) {
      const kind = schedule.get(i);
      if (kind) {
        const result = plant(kind, Rng.of(`${seed}:planted:${i}`), registry, scope);
        planted.push(...result.findings);
        nearMisses.push(...result.nearMisses);
        for (const [n, p] of result.households.entries()) {
          const { means } = householdMeans(Rng.of(`${seed}:means:planted:${i}:${n}`), registry, p.household, p.awards, null);
          yield* householdRecords(p.household, p.certificates, p.awards, means);
          if (payer) yield* payer.exclusive(p.household, p.awards, result.findings);
        }
        i += result.households.length;
        continue;
      }
      const rng = Rng.of(`${seed}:household:${i}`);
      const all = ordinary % ALL_DEPARTMENTS_EVERY === 0;
      const household = makeHousehold(rng, registry, { type: all ? 'FOUR_MEMBER' : rng.weighted(BACKGROUND_TYPES), place: scope.place(rng), deaths: !all });
      const aid = backgroundAid(rng, registry, household, all);
      const ledger = new HouseholdLedger();
      const awards: AwardRecord[] = [];
      for (const draft of aid.awards) {
        const born = notBeforeBirth(draft);
        const d = born && stopAtDeath(born, rng.chance(0.5));
        if (!d || !ledger.accepts(d)) continue;
        ledger.add(d);
        awards.push(awardRecord(registry, household, d));
      }
      const certificates = aid.certificates.map(({ id, person, category, grade, issuedDate, validUntil }): DisabilityCertificateRecord => ({
        type: 'disabilityCertificate', id, personId: person.id, category, grade, issuedDate, validUntil,
      }));
      // Drawn from a stream of its own: the awards above are the same with or without it.
      let unmet: IneligibleKind | null = null;
      if (currentMinimumLiving(awards)) {
        if (plantIneligible && onMinimumLiving % INELIGIBLE_EVERY === 1) unmet = INELIGIBLE_KINDS[Math.floor(onMinimumLiving / INELIGIBLE_EVERY) % INELIGIBLE_KINDS.length]!;
        onMinimumLiving++;
      }
      const means = householdMeans(Rng.of(`${seed}:means:${i}`), registry, household, awards, unmet);
      ineligible.push(...means.ineligible);
      yield* householdRecords(household, certificates, awards, means.means);
      if (payer) yield* payer.household(household, awards);
      ordinary++;
      i++;
    }
    // Civil affairs' standards of the counties the households are in, after them.
    yield* standardRecords(scope.counties);
  }

  return { records: records(), planted, nearMisses, ineligible, plantedPayments: payer?.planted ?? [], paymentNearMisses: payer?.nearMisses ?? [] };
}

function* householdRecords(h: Household, certificates: DisabilityCertificateRecord[], awards: AwardRecord[], means: HouseholdMeans): Generator<InterchangeRecord, void> {
  const household: HouseholdRecord = { type: 'household', id: h.id, regionCode: h.place.regionCode, hukou: h.hukou, address: h.address };
  yield household;
  for (const m of h.members) {
    const person: PersonRecord = { type: 'person', id: m.id, name: m.name, gender: m.gender, birthDate: m.birthDate, householdId: h.id, relation: m.relation, deathDate: m.deathDate };
    yield person;
  }
  yield* certificates;
  yield* awards;
  yield* means.incomes;
  yield* means.properties;
}

/** The records of a generation (the library's main entry). */
export function generate(options: GenerateOptions): Generator<InterchangeRecord, void> {
  return createGeneration(options).records;
}

/** The findings a generation's planted cases must produce (runs the generation to find its IDs). */
export function plantedFindings(options: GenerateOptions): PlantedFinding[] {
  const generation = createGeneration(options);
  for (const _ of generation.records);
  return generation.planted;
}
