import { programmes as catalogue, type Department } from '@saf/programmes';
import type { Context } from '../context.ts';
import { GraphRequestError } from '../graph.ts';
import { assertMayReadStatistics } from './access.ts';
import { suppressLines, suppressSymmetric } from './disclosure.ts';
import { suppressRow } from './programmes.ts';
import { aggregates, fromEachDepartment, locatePersons, missingError, recipients, type ProgrammeAggregate, type ProgrammeRecipient } from './sources.ts';

/** The distribution counts households with 1, 2, 3, 4, and 5 or more programmes. */
export const DISTRIBUTION_BUCKETS = 5;

/** Exact figures of the programme overlap, before suppression. */
export interface OverlapFigures {
  /** Programmes with at least one household, in catalogue order: the matrix's rows and columns. */
  programmes: string[];
  /** Households receiving at least one programme. */
  households: number;
  /** `pairs[i][j]`: households receiving programmes i and j at once (the diagonal: programme i). */
  pairs: number[][];
  /** `distribution[k - 1]`: households receiving k programmes (the last bucket: k or more). */
  distribution: number[];
}

const ORDER = new Map(catalogue.map((p, i) => [p.code, i]));

/** The overlap from the set of households receiving each programme. */
export function overlapFigures(householdsByProgramme: ReadonlyMap<string, ReadonlySet<string>>): OverlapFigures {
  const programmes = [...householdsByProgramme.keys()]
    .filter((p) => householdsByProgramme.get(p)!.size > 0)
    .sort((a, b) => (ORDER.get(a) ?? ORDER.size) - (ORDER.get(b) ?? ORDER.size) || a.localeCompare(b));
  const byHousehold = new Map<string, number[]>();
  programmes.forEach((p, i) => {
    for (const h of householdsByProgramme.get(p)!) {
      const list = byHousehold.get(h);
      if (list) list.push(i);
      else byHousehold.set(h, [i]);
    }
  });
  const pairs = programmes.map(() => programmes.map(() => 0));
  const distribution = Array.from({ length: DISTRIBUTION_BUCKETS }, () => 0);
  for (const list of byHousehold.values()) {
    for (const i of list) for (const j of list) pairs[i]![j]! += 1;
    distribution[Math.min(list.length, DISTRIBUTION_BUCKETS) - 1]! += 1;
  }
  return { programmes, households: byHousehold.size, pairs, distribution };
}

export interface PublishedOverlap {
  programmes: string[];
  households: number | null;
  pairs: { programme: string; otherProgramme: string; households: number | null }[];
  distribution: { programmes: number; orMore: boolean; households: number | null }[];
}

/**
 * Suppression of the overlap. The matrix is symmetric: row k (= column k) is a line, the
 * diagonal cell included. The diagonal (households receiving a programme) adds up the counties'
 * household counts of `assistanceStatistics`: it is withheld when one of those is
 * (`withheldProgrammes`), so it cannot give a withheld county away. The distribution and its
 * total (households with any programme) are one line. Each pair is listed once (programme before
 * otherProgramme in catalogue order).
 */
export function publishOverlap(f: OverlapFigures, withheldProgrammes: ReadonlySet<string> = new Set()): PublishedOverlap {
  const cell = suppressSymmetric(
    f.programmes.length,
    (i, j) => f.pairs[i]![j]!,
    (i, j) => i === j && withheldProgrammes.has(f.programmes[i]!),
  );
  const pairs: PublishedOverlap['pairs'] = [];
  f.programmes.forEach((p, i) => {
    for (let j = i; j < f.programmes.length; j++) pairs.push({ programme: p, otherProgramme: f.programmes[j]!, households: cell(i, j) });
  });
  const line = [...f.distribution, f.households];
  const protectedLine = suppressLines(line, [{ cells: f.distribution.map((_, i) => i), total: DISTRIBUTION_BUCKETS }]);
  return {
    programmes: f.programmes,
    households: protectedLine[DISTRIBUTION_BUCKETS] ?? null,
    pairs,
    distribution: f.distribution.map((_, k) => ({ programmes: k + 1, orMore: k + 1 === DISTRIBUTION_BUCKETS, households: protectedLine[k] ?? null })),
  };
}

/**
 * Which household each recipient counts for: the one the award is recorded against, else the
 * one civil affairs registers the person in, else (not registered) a household of their own.
 */
async function householdsOf(ctx: Context, caller: Parameters<typeof locatePersons>[1], rows: readonly ProgrammeRecipient[], date: string): Promise<Map<string, Set<string>>> {
  const unhoused = [...new Set(rows.filter((r) => r.householdId === null).map((r) => r.personId))];
  const registered = new Map<string, string>();
  if (unhoused.length) {
    try {
      for (const place of await locatePersons(ctx, caller, unhoused, null, date)) registered.set(place.personId, place.householdId);
    } catch (err) {
      if (!(err instanceof GraphRequestError)) throw err;
      ctx.log.warn({ err: err.message, requestId: ctx.requestId }, 'civil affairs did not locate persons for the overlap');
    }
  }
  const byProgramme = new Map<string, Set<string>>();
  for (const r of rows) {
    const household = r.householdId ?? registered.get(r.personId) ?? `person:${r.personId}`;
    const set = byProgramme.get(r.programme);
    if (set) set.add(household);
    else byProgramme.set(r.programme, new Set([household]));
  }
  return byProgramme;
}

/** Programmes with a county whose household count `assistanceStatistics` withholds. */
export function withheldInStatistics(rows: readonly ProgrammeAggregate[]): Set<string> {
  return new Set(rows.filter((r) => suppressRow(r).households === null).map((r) => r.programme));
}

export interface ProgrammeOverlapResult extends Omit<PublishedOverlap, 'households' | 'distribution'> {
  regionCode: string;
  date: string;
  /** Null with an error when a department is missing (the count would be short). */
  households: number | null | Error;
  distribution: PublishedOverlap['distribution'] | Error;
  missingDepartments: Department[];
}

/**
 * Households receiving each pair of programmes at once under the prefix on the date, and how many
 * programmes households receive. The departments' recipient lists pass through this request and
 * are not kept. Pairs between the programmes of departments that answered stay exact when one is
 * missing; the household total and the distribution do not, and give an error instead.
 */
export async function programmeOverlap(ctx: Context, prefix: string, date: string): Promise<ProgrammeOverlapResult> {
  const caller = assertMayReadStatistics(ctx, prefix);
  const gathered = await fromEachDepartment(ctx, async (department) => {
    const [rows, figures] = await Promise.all([recipients(ctx, caller, department, { prefix, date }), aggregates(ctx, caller, department, prefix, date)]);
    return { rows, figures };
  });
  const answers = [...gathered.values.values()];
  const figures = overlapFigures(await householdsOf(ctx, caller, answers.flatMap((a) => a.rows), date));
  const published = publishOverlap(figures, withheldInStatistics(answers.flatMap((a) => a.figures)));
  const incomplete = gathered.missing.length ? missingError(gathered.missing) : null;
  return {
    regionCode: prefix,
    date,
    ...published,
    households: incomplete ?? published.households,
    distribution: incomplete ?? published.distribution,
    missingDepartments: gathered.missing,
  };
}
