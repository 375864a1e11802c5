/**
 * Disclosure control for published figures (SPEC sections 1 and 6: an analyst, or anything
 * published, never gets a count under 5, nor a figure that would reveal one). Coordinators and
 * caseworkers within their jurisdiction get exact figures; what follows is what everyone else
 * gets (publication.ts decides who is who).
 *
 * Why no count under 5 can be recovered from published figures, however they are combined:
 *
 * 1. What is published. Counties and larger areas only (region prefixes of 2, 4 or 6 digits),
 *    on month ends only, no later than the last month that has ended (publication.ts). So every
 *    county figure is a whole county's, never the part of a township, and there is one date per
 *    month: combining dates gives month-to-month changes, which are the monthly figures
 *    themselves (the same holds for disaster relief periods, whole months only).
 *
 * 2. One computation per province. Every published answer about a county, a prefecture or a
 *    province is a part of one set of figures computed over the whole province for the date, and
 *    suppressed once (`RegionTree`): a cell has the same published value, or is withheld, in every
 *    answer that contains it, in GraphQL and in CSV (export.ts builds the CSV from the same
 *    figures), whichever prefix was asked. Combining answers is therefore combining parts of one
 *    table per province, statistic and count; provinces never add up to anything published.
 *
 * 3. Counties (leaves). A county's count under 5 is withheld (primary suppression, zero
 *    included). These are the counts `assistanceStatistics` publishes, unchanged (SPEC).
 *
 * 4. Region totals (the tree). A prefecture's total is the sum of its counties, a province's the
 *    sum of its prefectures; nothing else is added up. For a tree of sums the reader can work out
 *    exactly this and no more: for each published total, the sum of the withheld counties whose
 *    nearest published ancestor it is (withheld totals in between are unknowns that appear in two
 *    equations and cancel). Those groups are disjoint, so no other combination of withheld counts
 *    is determined. A total is published only when its group is empty, or adds up to at least 5
 *    and leaves every member more than one possible value. A withheld count is known to lie in
 *    0..4, or 1..4 where a zero is known otherwise (a county without any of a programme has no
 *    `assistanceStatistics` row; a county not listed has none of what is counted), so a group of
 *    k counties adding up to S pins its members exactly when S = k·lowest or S = 4k; we require
 *    k·lowest < S < 4k and S ≥ 5. Otherwise the total is withheld and its group joins its
 *    parent's. So no withheld county and no sum of withheld counties under 5 can be worked out.
 *
 * 5. Within a row. Figures that add up within a county or region row (集中 + 分散 = total,
 *    in time + late + unrecorded = cases) publish the sum only when every part is published, and a
 *    share only from published parts: they then tell nothing the parts do not. The parts are
 *    separate trees.
 *
 * 6. Across statistics and programmes. Published figures are counts of different things that
 *    add up to nothing published: a programme's beneficiaries and households per county
 *    (`assistanceStatistics`, no totals across programmes or counties); 集中/分散 counts, which are
 *    those same beneficiaries; disaster relief cases by timeliness; coverage gap persons; and the
 *    households receiving each pair of programmes. The overlap's diagonal (households receiving a
 *    programme), its distribution by number of programmes and its household total are not
 *    published: with the pairs they would add up (the households with two programmes are the sum
 *    of the pairs when none has three), and the diagonal counts awards without a household
 *    differently from `assistanceStatistics`. Counts that only bound one another (households ≤
 *    persons of a coverage gap) would let a bound pin a value when both are in trees: a gap's
 *    household total is therefore published only when none of its counties' is withheld.
 *
 * What this does not cover: figures of a past month change when a department loads records for
 * that month later, and two answers on either side of such a load differ by what it changed (a
 * revision, as statistical offices publish them).
 */
export const MIN_CELL = 5;

export function isSmall(count: number): boolean {
  return count < MIN_CELL;
}

/** A count, or null when it is under the threshold. */
export function primary(count: number): number | null {
  return isSmall(count) ? null : count;
}

/**
 * Whether a group of withheld counts whose sum is published pins nothing: each lies in
 * `lowest`..4 (lowest 1 when a zero would be known otherwise), and the sum is 5 or more.
 */
export function groupProtects(members: number, sum: number, lowest: 0 | 1 = 1): boolean {
  return members === 0 || (sum >= MIN_CELL && sum > lowest * members && sum < (MIN_CELL - 1) * members);
}

export interface RegionTreeOptions {
  /** A total is published only when none of the counts under it is withheld (a tree whose counts bound another's). */
  allOrNothing?: boolean;
  /**
   * A reader knows which counties' counts are zero (a programme's: its `assistanceStatistics` row
   * is absent). Otherwise a county listed with zero is a withheld count like any small one.
   */
  zerosKnown?: boolean;
}

/**
 * One count per county of one province, published with its prefecture and province totals as
 * point 4 above says. `counties` holds every county a reader sees listed, zeros included;
 * counties absent are known zeros. `published(code)` gives any county's or total's published
 * value, `exact(code)` the exact one; both for any 2-, 4- or 6-digit code.
 */
export class RegionTree {
  private readonly totals = new Map<string, number | null>();

  constructor(
    private readonly counties: ReadonlyMap<string, number>,
    options: RegionTreeOptions = {},
  ) {
    const allOrNothing = options.allOrNothing ?? false;
    const lowest = options.zerosKnown ? 1 : 0;
    const shownWith = (withheld: number[]) => {
      const sum = withheld.reduce((a, b) => a + b, 0);
      return allOrNothing ? withheld.length === 0 : groupProtects(withheld.length, sum, lowest);
    };
    // The withheld counts (known zeros aside) whose nearest published ancestor is not yet decided.
    const byPrefecture = new Map<string, number[]>();
    for (const [county, value] of counties) {
      const withheld = byPrefecture.get(county.slice(0, 4)) ?? [];
      if (isSmall(value) && (value > 0 || !options.zerosKnown)) withheld.push(value);
      byPrefecture.set(county.slice(0, 4), withheld);
    }
    const byProvince = new Map<string, number[]>();
    for (const [prefecture, withheld] of byPrefecture) {
      const carried = byProvince.get(prefecture.slice(0, 2)) ?? [];
      const shown = shownWith(withheld);
      this.totals.set(prefecture, shown ? this.exact(prefecture) : null);
      if (!shown) carried.push(...withheld);
      byProvince.set(prefecture.slice(0, 2), carried);
    }
    for (const [province, carried] of byProvince) this.totals.set(province, shownWith(carried) ? this.exact(province) : null);
  }

  /** The exact count of a county, or the sum of the counties under a prefix. */
  exact(code: string): number {
    if (code.length >= 6) return this.counties.get(code.slice(0, 6)) ?? 0;
    let sum = 0;
    for (const [county, value] of this.counties) if (county.startsWith(code)) sum += value;
    return sum;
  }

  /** The published count of a county (primary suppression) or of a prefecture or province (the tree). */
  published(code: string): number | null {
    if (code.length >= 6) return primary(this.exact(code));
    const total = this.totals.get(code);
    // A prefix without any county has no total to give (and zero is withheld anyway).
    return total === undefined ? null : total === null ? null : primary(total);
  }
}

/** A sum published only when all its parts are (point 5): it then tells nothing they do not. */
export function sumOfPublished(parts: readonly (number | null)[]): number | null {
  return parts.some((p) => p === null) ? null : parts.reduce<number>((a, b) => a + b!, 0);
}
