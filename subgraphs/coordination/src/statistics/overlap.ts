import { programmes as catalogue, type Department } from '@saf/programmes';
import type { Context } from '../context.ts';
import { RegionTree } from './disclosure.ts';
import { figureContext, overlapFigure } from './figures.ts';
import { inScope, type StatisticsScope } from './publication.ts';
import { missingError } from './sources.ts';

/** The distribution counts households with 1, 2, 3, 4, and 5 or more programmes. */
export const DISTRIBUTION_BUCKETS = 5;

/** Exact figures of the programme overlap in one county (or summed over several), before suppression. */
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
const byCatalogue = (a: string, b: string) => (ORDER.get(a) ?? ORDER.size) - (ORDER.get(b) ?? ORDER.size) || a.localeCompare(b);

/** The overlap from the set of households receiving each programme. */
export function overlapFigures(householdsByProgramme: ReadonlyMap<string, ReadonlySet<string>>): OverlapFigures {
  const programmes = [...householdsByProgramme.keys()].filter((p) => householdsByProgramme.get(p)!.size > 0).sort(byCatalogue);
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

/** Households receiving programmes p and q in one county's figures (0 when either is absent). */
function pairIn(f: OverlapFigures, p: string, q: string): number {
  const i = f.programmes.indexOf(p);
  const j = f.programmes.indexOf(q);
  return i < 0 || j < 0 ? 0 : f.pairs[i]![j]!;
}

/**
 * Several counties' figures as one region's. A household counts in the county its awards were
 * granted in (figures.ts), so the region's figures are the sums of its counties'.
 */
export function sumOverlap(counties: readonly OverlapFigures[]): OverlapFigures {
  const programmes = [...new Set(counties.flatMap((c) => c.programmes))].sort(byCatalogue);
  return {
    programmes,
    households: counties.reduce((s, c) => s + c.households, 0),
    pairs: programmes.map((p) => programmes.map((q) => counties.reduce((s, c) => s + pairIn(c, p, q), 0))),
    distribution: Array.from({ length: DISTRIBUTION_BUCKETS }, (_, k) => counties.reduce((s, c) => s + c.distribution[k]!, 0)),
  };
}

export interface PublishedOverlap {
  programmes: string[];
  households: number | null;
  pairs: { programme: string; otherProgramme: string; households: number | null }[];
  distribution: { programmes: number; orMore: boolean; households: number | null }[];
}

/** Every pair of `programmes` once (programme before otherProgramme in catalogue order), the diagonal included. */
function pairList(programmes: readonly string[], households: (p: string, q: string) => number | null): PublishedOverlap['pairs'] {
  return programmes.flatMap((p, i) => programmes.slice(i).map((q) => ({ programme: p, otherProgramme: q, households: households(p, q) })));
}

/** The exact overlap of a region (coordinators and caseworkers). */
export function exactOverlap(f: OverlapFigures): PublishedOverlap {
  return {
    programmes: f.programmes,
    households: f.households,
    pairs: pairList(f.programmes, (p, q) => pairIn(f, p, q)),
    distribution: f.distribution.map((households, k) => ({ programmes: k + 1, orMore: k + 1 === DISTRIBUTION_BUCKETS, households })),
  };
}

/**
 * The published overlap of `prefix` (a county or larger area) from every county of its province
 * (disclosure.ts, points 4 and 6): each pair of two programmes is a count per county with its
 * region totals (`RegionTree`), the same in every answer. The diagonal, the distribution and the
 * household total are withheld: with the pairs they would add up to small cells.
 */
export function publishedOverlap(universe: ReadonlyMap<string, OverlapFigures>, prefix: string): PublishedOverlap {
  const under = sumOverlap([...universe].filter(([county]) => county.startsWith(prefix)).map(([, f]) => f));
  const pair = (p: string, q: string) => {
    if (p === q) return null;
    // Counties where both programmes are received list the pair, zero or not; elsewhere it is a known zero.
    const counts = new Map<string, number>();
    for (const [county, f] of universe) if (f.programmes.includes(p) && f.programmes.includes(q)) counts.set(county, pairIn(f, p, q));
    return new RegionTree(counts).published(prefix);
  };
  return {
    programmes: under.programmes,
    households: null,
    pairs: pairList(under.programmes, pair),
    distribution: under.distribution.map((_, k) => ({ programmes: k + 1, orMore: k + 1 === DISTRIBUTION_BUCKETS, households: null })),
  };
}

export interface ProgrammeOverlapResult extends Omit<PublishedOverlap, 'households' | 'distribution'> {
  regionCode: string;
  date: string;
  asOf: string;
  /** Null with an error when a department is missing (the count would be short). */
  households: number | null | Error;
  distribution: PublishedOverlap['distribution'] | Error;
  missingDepartments: Department[];
}

/**
 * Households receiving each pair of programmes at once under the prefix on the date, and how many
 * programmes households receive: exact for the coordination office and caseworkers, published
 * (above) for everyone else. Pairs between the programmes of departments that answered stay
 * exact when one is missing; the household total and the distribution do not, and give an error
 * instead.
 */
export async function programmeOverlap(ctx: Context, s: StatisticsScope): Promise<ProgrammeOverlapResult> {
  const fc = await figureContext(ctx);
  const { value, asOf } = await overlapFigure(fc, s.universe, s.date);
  const answer = s.disclosure === 'EXACT' ? exactOverlap(sumOverlap([...value.counties].filter(([county]) => inScope(s, county)).map(([, f]) => f))) : publishedOverlap(value.counties, s.prefix);
  const incomplete = value.missing.length ? missingError(value.missing) : null;
  return {
    regionCode: s.prefix,
    date: s.date,
    asOf,
    ...answer,
    households: incomplete ?? answer.households,
    distribution: incomplete ?? answer.distribution,
    missingDepartments: value.missing,
  };
}
