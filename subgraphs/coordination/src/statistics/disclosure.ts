/**
 * Disclosure control for every figure the coordination office publishes (SPEC section 1: an
 * analyst never gets a count under 5).
 *
 * Primary suppression: a count under `MIN_CELL` (zero included) is withheld (null).
 *
 * Complementary suppression, for figures published together with something they add up to (a
 * distribution and its total, a matrix row and its diagonal): the cells are grouped in *lines*.
 * A line with exactly one withheld cell would let a reader work it back out from the others, so
 * the smallest cell still shown in that line is withheld too (ties: the first). Rows and columns
 * are both lines; withholding a cell in a row can leave its column with exactly one, so the pass
 * repeats until no line has exactly one withheld cell. Each pass withholds at least one more cell,
 * so it ends. It is deliberately simple (not the optimal, least-loss pattern): it never
 * under-protects a line, and it may withhold more than strictly needed.
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
 * Primary and complementary suppression of `values`, where each line lists the indexes of cells
 * that must not have exactly one withheld. Returns the values with withheld cells null.
 */
export function suppressLines(values: readonly number[], lines: readonly (readonly number[])[]): (number | null)[] {
  const withheld = values.map(isSmall);
  const uniqueLines = lines.map((line) => [...new Set(line)]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const line of uniqueLines) {
      if (line.filter((i) => withheld[i]).length !== 1) continue;
      let next: number | undefined;
      for (const i of line) {
        if (!withheld[i] && (next === undefined || values[i]! < values[next]!)) next = i;
      }
      if (next === undefined) continue;
      withheld[next] = true;
      changed = true;
    }
  }
  return values.map((v, i) => (withheld[i] ? null : v));
}

/** A table with its rows and columns as lines (e.g. counties × categories with a total column). */
export function suppressTable(rows: readonly (readonly number[])[]): (number | null)[][] {
  const width = rows[0]?.length ?? 0;
  if (rows.some((r) => r.length !== width)) throw new Error('a table needs rows of equal length');
  const flat = rows.flat();
  const lines: number[][] = [];
  for (let r = 0; r < rows.length; r++) lines.push(Array.from({ length: width }, (_, c) => r * width + c));
  for (let c = 0; c < width; c++) lines.push(Array.from({ length: rows.length }, (_, r) => r * width + c));
  const out = suppressLines(flat, lines);
  return rows.map((_, r) => out.slice(r * width, (r + 1) * width));
}

/**
 * A symmetric matrix given by its upper triangle (`cells[i][j - i]` for j ≥ i, the diagonal
 * first): line k is row k, which is also column k, so a cell and its mirror are one cell.
 */
export function suppressSymmetric(size: number, cell: (i: number, j: number) => number): (i: number, j: number) => number | null {
  const index = (i: number, j: number) => {
    const [a, b] = i <= j ? [i, j] : [j, i];
    // Row a of the upper triangle starts after the rows above it.
    return a * size - (a * (a - 1)) / 2 + (b - a);
  };
  const values: number[] = [];
  for (let i = 0; i < size; i++) for (let j = i; j < size; j++) values[index(i, j)] = cell(i, j);
  const lines = Array.from({ length: size }, (_, k) => Array.from({ length: size }, (_, j) => index(k, j)));
  const out = suppressLines(values, lines);
  return (i, j) => out[index(i, j)] ?? null;
}
