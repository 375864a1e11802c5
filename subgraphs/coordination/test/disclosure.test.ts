import { describe, expect, it } from 'vitest';
import { primary, suppressLines, suppressSymmetric, suppressTable } from '../src/statistics/disclosure.ts';

/** Whether some withheld cell of a line could be worked out from the line's total. */
function exposedLines(values: (number | null)[], lines: number[][]): number[][] {
  return lines.filter((line) => line.filter((i) => values[i] === null).length === 1);
}

describe('primary suppression', () => {
  it('withholds every count under 5, zero included', () => {
    expect([0, 1, 4, 5, 6, 1000].map(primary)).toEqual([null, null, null, 5, 6, 1000]);
  });
});

describe('complementary suppression over lines', () => {
  it('leaves a line without small cells alone', () => {
    expect(suppressLines([10, 20, 30, 60], [[0, 1, 2, 3]])).toEqual([10, 20, 30, 60]);
  });

  it('withholds the next smallest cell when a line has exactly one withheld', () => {
    // 1,2,3… programmes: 40 households with one, 12 with two, 3 with three; 55 in all.
    expect(suppressLines([40, 12, 3, 55], [[0, 1, 2, 3]])).toEqual([40, null, null, 55]);
  });

  it('breaks ties by the first cell', () => {
    expect(suppressLines([9, 2, 9, 20], [[0, 1, 2, 3]])).toEqual([null, null, 9, 20]);
  });

  it('adds nothing when two cells of a line are already withheld', () => {
    expect(suppressLines([40, 2, 3, 45], [[0, 1, 2, 3]])).toEqual([40, null, null, 45]);
  });

  it('withholds a line’s total before any other cell, when it has one', () => {
    expect(suppressLines([40, 12, 3, 55], [{ cells: [0, 1, 2], total: 3, totalFirst: true }])).toEqual([40, 12, null, null]);
    // Only the total withheld (for another line): the smallest part goes too.
    expect(suppressLines([40, 12, 30, 82], [{ cells: [0, 1, 2], total: 3, totalFirst: true }], [3])).toEqual([40, null, 30, null]);
  });

  it('withholds more when the withheld parts add up to less than 5 and the total is shown', () => {
    // Two zeros and the total would give both away: the next smallest part goes too.
    expect(suppressLines([50, 20, 0, 0, 70], [{ cells: [0, 1, 2, 3], total: 4 }])).toEqual([50, null, null, null, 70]);
    expect(suppressLines([50, 2, 2, 6, 60], [{ cells: [0, 1, 2, 3], total: 4 }])).toEqual([50, null, null, null, 60]);
    // Without a total the line adds up to nothing: two withheld cells are enough.
    expect(suppressLines([50, 20, 0, 0], [[0, 1, 2, 3]])).toEqual([50, 20, null, null]);
  });

  it('withholds the total when it is the only other cell', () => {
    expect(suppressLines([3, 30], [[0, 1]])).toEqual([null, null]);
  });
});

describe('tables: rows and columns', () => {
  it('repeats until no row or column has exactly one withheld cell', () => {
    // Counties × (centralized, dispersed, total).
    const table = [
      [3, 40, 43],
      [20, 25, 45],
      [30, 12, 42],
      [53, 77, 130],
    ];
    const out = suppressTable(table);
    const flat = out.flat();
    const width = 3;
    const lines = [
      ...table.map((_, r) => [0, 1, 2].map((c) => r * width + c)),
      ...[0, 1, 2].map((c) => table.map((_, r) => r * width + c)),
    ];
    expect(flat[0]).toBeNull();
    expect(exposedLines(flat, lines)).toEqual([]);
    // Row 0: 3 withheld, then 40 (smaller than 43). Column 0: 3, then 20. Column 1: 40, then 12.
    // Row 1: 20, then 25. Row 2: 12, then 30. The totals (last row and column) stay.
    expect(out).toEqual([
      [null, null, 43],
      [null, null, 45],
      [null, null, 42],
      [53, 77, 130],
    ]);
  });

  it('protects every line of a random table', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < 200; t++) {
      const rows = 2 + Math.floor(rand() * 5);
      const cols = 2 + Math.floor(rand() * 5);
      const table = Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.floor(rand() * 30)));
      const out = suppressTable(table);
      for (const row of out) expect(row.filter((v) => v === null).length).not.toBe(1);
      for (let c = 0; c < cols; c++) expect(out.filter((row) => row[c] === null).length).not.toBe(1);
      out.flat().forEach((v, i) => {
        expect(v === null || v >= 5).toBe(true);
        if (v !== null) expect(v).toBe(table.flat()[i]);
      });
    }
  });
});

describe('tables with totals', () => {
  it('withholds totals, not parts, and keeps every line protected', () => {
    // Counties × (centralized, dispersed, total), the region's row last.
    const out = suppressTable(
      [
        [3, 40, 43],
        [20, 25, 45],
        [30, 12, 42],
        [53, 77, 130],
      ],
      { totals: true },
    );
    expect(out).toEqual([
      [null, 40, null],
      [20, 25, 45],
      [30, 12, 42],
      [null, 77, null],
    ]);
  });

  it('protects every line of a random table with totals', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < 200; t++) {
      const rows = 1 + Math.floor(rand() * 5);
      const cols = 1 + Math.floor(rand() * 4);
      const body = Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.floor(rand() * 25)));
      const withRowTotals = body.map((r) => [...r, r.reduce((a, b) => a + b, 0)]);
      const table = [...withRowTotals, withRowTotals[0]!.map((_, c) => withRowTotals.reduce((a, r) => a + r[c]!, 0))];
      const out = suppressTable(table, { totals: true });
      for (const row of out) expect(row.filter((v) => v === null).length).not.toBe(1);
      for (let c = 0; c <= cols; c++) expect(out.filter((row) => row[c] === null).length).not.toBe(1);
      out.flat().forEach((v, i) => {
        expect(v === null || v >= 5).toBe(true);
        if (v !== null) expect(v).toBe(table.flat()[i]);
      });
    }
  });
});

describe('symmetric matrices (programme overlap)', () => {
  it('treats a cell and its mirror as one, row k being column k', () => {
    // Diagonal: households with the programme; off the diagonal: households with both.
    const m = [
      [50, 3, 20],
      [3, 30, 10],
      [20, 10, 40],
    ];
    const out = suppressSymmetric(3, (i, j) => m[i]![j]!);
    expect(out(0, 1)).toBeNull();
    expect(out(1, 0)).toBeNull();
    // Row 0: 3 withheld, next smallest 20; row 1: 3 withheld, next smallest 10; row 2 then has two.
    expect(out(0, 2)).toBeNull();
    expect(out(1, 2)).toBeNull();
    expect([out(0, 0), out(1, 1), out(2, 2)]).toEqual([50, 30, 40]);
    for (let k = 0; k < 3; k++) expect([0, 1, 2].filter((j) => out(k, j) === null).length).not.toBe(1);
  });

  it('withholds a forced cell and protects its row', () => {
    const m = [
      [50, 20, 15],
      [20, 30, 10],
      [15, 10, 40],
    ];
    const out = suppressSymmetric(3, (i, j) => m[i]![j]!, (i, j) => i === 1 && j === 1);
    expect(out(1, 1)).toBeNull();
    // Row 1 withholds 10, row 2 then 15, row 0 then 20; the other diagonals stay.
    expect([out(0, 0), out(0, 1), out(0, 2), out(1, 2), out(2, 2)]).toEqual([50, null, null, null, 40]);
    for (let k = 0; k < 3; k++) expect([0, 1, 2].filter((j) => out(k, j) === null).length).not.toBe(1);
  });
});
