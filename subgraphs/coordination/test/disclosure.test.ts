import { describe, expect, it } from 'vitest';
import { groupProtects, primary, RegionTree, sumOfPublished } from '../src/statistics/disclosure.ts';

describe('primary suppression', () => {
  it('withholds every count under 5, zero included', () => {
    expect([0, 1, 4, 5, 6, 1000].map(primary)).toEqual([null, null, null, 5, 6, 1000]);
  });
});

describe('a group of withheld counts under a published total', () => {
  it('protects only when it adds up to 5 or more and pins no member', () => {
    expect(groupProtects(0, 0)).toBe(true);
    expect(groupProtects(1, 3)).toBe(false); // the total gives the one count away
    expect(groupProtects(2, 4)).toBe(false); // a sum under 5 is a small count itself
    expect(groupProtects(2, 5)).toBe(true);
    expect(groupProtects(2, 7)).toBe(true);
    expect(groupProtects(2, 8)).toBe(false); // 4 + 4: each is 4
    expect(groupProtects(5, 5)).toBe(false); // five counties of 1
    expect(groupProtects(5, 6)).toBe(true);
    // Where a zero is not known otherwise, members lie in 0..4: five counties adding up to 5 pin nothing.
    expect(groupProtects(5, 5, 0)).toBe(true);
    expect(groupProtects(3, 0, 0)).toBe(false);
  });
});

const tree = (entries: Record<string, number>, options = {}) => new RegionTree(new Map(Object.entries(entries)), options);

describe('region totals over counties', () => {
  it('publishes every total when no county is withheld', () => {
    const t = tree({ '654002': 10, '654003': 20, '654101': 7 });
    expect(['654002', '6540', '6541', '65'].map((c) => t.published(c))).toEqual([10, 30, 7, 37]);
  });

  it('withholds a prefecture’s total with its one small county, and the province’s with it', () => {
    const t = tree({ '654002': 10, '654003': 3, '654101': 7 });
    expect(t.published('654003')).toBeNull();
    expect(t.published('6540')).toBeNull();
    // The province minus 6541 would be 6540's total, minus 654002 the 3.
    expect(t.published('65')).toBeNull();
    expect(t.published('6541')).toBe(7);
    expect(t.exact('65')).toBe(20);
  });

  it('publishes a total over two small counties adding up to 5 or more', () => {
    const t = tree({ '654002': 10, '654003': 3, '654004': 4 });
    expect(t.published('6540')).toBe(17);
    expect(t.published('65')).toBe(17);
  });

  it('withholds a total whose small counties would each be pinned (4 + 4)', () => {
    expect(tree({ '654002': 10, '654003': 4, '654004': 4 }).published('6540')).toBeNull();
  });

  it('protects small counties of two prefectures together at the province', () => {
    const t = tree({ '654002': 10, '654003': 3, '654101': 9, '654102': 2 });
    expect([t.published('6540'), t.published('6541')]).toEqual([null, null]);
    // 3 + 2: the province's total tells the sum of the two, 5, and neither.
    expect(t.published('65')).toBe(24);
  });

  it('treats a county not listed as a known zero, and a prefix without counties as nothing', () => {
    const t = tree({ '654002': 10 });
    expect([t.published('654003'), t.published('6541'), t.published('6540')]).toEqual([null, null, 10]);
  });

  it('withholds a total that would show a listed county’s zero, unless zeros are known anyway', () => {
    expect(tree({ '654002': 10, '654003': 0 }).published('6540')).toBeNull();
    expect(tree({ '654002': 10, '654003': 0 }, { zerosKnown: true }).published('6540')).toBe(10);
    // Known zeros aside, one small county is alone in its group.
    expect(tree({ '654002': 10, '654003': 0, '654004': 3 }, { zerosKnown: true }).published('6540')).toBeNull();
    expect(tree({ '654002': 10, '654003': 2, '654004': 3 }).published('6540')).toBe(15);
  });

  it('publishes an all-or-nothing total only when no county under it is withheld', () => {
    const t = tree({ '654002': 10, '654003': 3, '654004': 4 }, { allOrNothing: true });
    expect(t.published('6540')).toBeNull();
    expect(tree({ '654002': 10, '654003': 6 }, { allOrNothing: true }).published('6540')).toBe(16);
  });
});

/** mulberry32, for reproducible random trees. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Everything a reader could work out, by brute force: every assignment of lowest..4 to the
 * withheld counties (known zeros aside) that agrees with every published total.
 */
function consistentAssignments(counties: Record<string, number>, t: RegionTree, zerosKnown: boolean): { withheld: string[]; assignments: number[][] } {
  const lowest = zerosKnown ? 1 : 0;
  const codes = Object.keys(counties);
  const withheld = codes.filter((c) => t.published(c) === null && (counties[c]! > 0 || !zerosKnown));
  const totals = [...new Set(codes.flatMap((c) => [c.slice(0, 2), c.slice(0, 4)]))].filter((p) => t.published(p) !== null);
  const assignments: number[][] = [];
  const values: number[] = withheld.map(() => lowest);
  for (;;) {
    const value = (c: string) => (withheld.includes(c) ? values[withheld.indexOf(c)]! : counties[c]!);
    if (totals.every((p) => codes.filter((c) => c.startsWith(p)).reduce((s, c) => s + value(c), 0) === t.published(p))) assignments.push([...values]);
    let i = 0;
    while (i < values.length && values[i] === 4) values[i++] = lowest;
    if (i === values.length) break;
    values[i]! += 1;
  }
  return { withheld, assignments };
}

describe('no withheld count, nor any sum of them under 5, can be worked out from published totals', () => {
  it.each([true, false])('holds on random provinces (brute force over what a reader could infer; zeros known: %s)', (zerosKnown) => {
    const next = random(zerosKnown ? 20240630 : 20240701);
    let checkedTotals = 0;
    for (let round = 0; round < 300; round++) {
      const counties: Record<string, number> = {};
      for (let p = 1; p <= 1 + Math.floor(next() * 3); p++) {
        for (let c = 1; c <= 1 + Math.floor(next() * 4); c++) {
          const small = next() < 0.5;
          counties[`65${String(40 + p)}${String(c).padStart(2, '0')}`] = small ? Math.floor(next() * 5) : 5 + Math.floor(next() * 20);
        }
      }
      if (Object.values(counties).filter((v) => v < 5 && (v > 0 || !zerosKnown)).length > 7) continue;
      const t = new RegionTree(new Map(Object.entries(counties)), { zerosKnown });
      const { withheld, assignments } = consistentAssignments(counties, t, zerosKnown);
      // The truth is among them.
      expect(assignments).toContainEqual(withheld.map((c) => counties[c]));
      // No withheld county has one possible value…
      withheld.forEach((_, i) => expect(new Set(assignments.map((a) => a[i])).size).toBeGreaterThan(1));
      // …and no sum of withheld counties is both fixed and under 5.
      for (let mask = 1; mask < 1 << withheld.length; mask++) {
        const sums = new Set(assignments.map((a) => a.reduce((s, v, i) => (mask & (1 << i) ? s + v : s), 0)));
        if (sums.size === 1) expect([...sums][0]).toBeGreaterThanOrEqual(5);
      }
      checkedTotals += ['65', ...new Set(Object.keys(counties).map((c) => c.slice(0, 4)))].filter((p) => t.published(p) !== null).length;
    }
    // Totals were published, not only withheld: the check is not vacuous.
    expect(checkedTotals).toBeGreaterThan(100);
  });
});

describe('a sum of published parts', () => {
  it('is published only when every part is', () => {
    expect(sumOfPublished([40, 60])).toBe(100);
    expect(sumOfPublished([null, 60])).toBeNull();
  });
});
