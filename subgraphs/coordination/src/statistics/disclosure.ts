/**
 * Disclosure control for every figure the coordination office publishes (SPEC section 1: an
 * analyst never gets a count under 5).
 *
 * Primary suppression: a count under `MIN_CELL` (zero included) is withheld (null).
 *
 * Complementary suppression, for figures published together with something they add up to (a
 * distribution and its total, a table's rows and columns with their totals, a matrix row): the
 * cells are grouped in *lines*. A line is exposed when a reader could work a withheld cell back
 * out: it has exactly one withheld cell, or its total is shown and the withheld parts add up to
 * less than 5 (two withheld zeros and the total give both away). An exposed line has one more
 * cell withheld:
 * - its total, for lines marked `totalFirst`: their parts are published elsewhere as they are
 *   (a county's 特困 count here is the figure `assistanceStatistics` shows), so withholding a part
 *   instead would protect nothing;
 * - otherwise the smallest part still shown (ties: the first), or the total when none is left.
 * Rows and columns are both lines; withholding a cell in a row can expose its column, so the pass
 * repeats until no line is exposed. Each pass withholds at least one more cell, so it ends. It is
 * deliberately simple (not the optimal, least-loss pattern) and may withhold more than needed.
 */
export const MIN_CELL = 5;

export function isSmall(count: number): boolean {
  return count < MIN_CELL;
}

/** A count, or null when it is under the threshold. */
export function primary(count: number): number | null {
  return isSmall(count) ? null : count;
}

/** Cells (indexes) read together; `total` is the cell the others add up to. */
export interface Line {
  cells: readonly number[];
  total?: number;
  /** Withhold the total first when the line is exposed (its parts are published elsewhere). */
  totalFirst?: boolean;
}

/**
 * Primary and complementary suppression of `values` over `lines` (a line given as an array has
 * no total). `force` withholds cells whatever their value (they are withheld elsewhere).
 * Returns the values with withheld cells null.
 */
export function suppressLines(values: readonly number[], lines: readonly (Line | readonly number[])[], force: readonly number[] = []): (number | null)[] {
  const withheld = values.map(isSmall);
  for (const i of force) withheld[i] = true;
  const normal = lines.map((l): Line => ('cells' in l ? { ...l, cells: [...new Set(l.cells.filter((i) => i !== l.total))] } : { cells: [...new Set(l)] }));
  const exposed = (line: Line): boolean => {
    const parts = line.cells.filter((i) => withheld[i]);
    const totalShown = line.total !== undefined && !withheld[line.total];
    if (parts.length + (line.total !== undefined && !totalShown ? 1 : 0) === 1) return true;
    return totalShown && parts.length > 0 && parts.reduce((sum, i) => sum + values[i]!, 0) < MIN_CELL;
  };
  const next = (line: Line): number | undefined => {
    const total = line.total !== undefined && !withheld[line.total] ? line.total : undefined;
    if (line.totalFirst && total !== undefined) return total;
    let smallest: number | undefined;
    for (const i of line.cells) if (!withheld[i] && (smallest === undefined || values[i]! < values[smallest]!)) smallest = i;
    return smallest ?? total;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const line of normal) {
      if (!exposed(line)) continue;
      const cell = next(line);
      if (cell === undefined) continue;
      withheld[cell] = true;
      changed = true;
    }
  }
  return values.map((v, i) => (withheld[i] ? null : v));
}

/**
 * A table with its rows and columns as lines (e.g. counties × categories). With `totals`, the
 * last column is each row's total and the last row each column's total, withheld first.
 */
export function suppressTable(rows: readonly (readonly number[])[], options: { totals?: boolean } = {}): (number | null)[][] {
  const width = rows[0]?.length ?? 0;
  if (rows.some((r) => r.length !== width)) throw new Error('a table needs rows of equal length');
  const at = (r: number, c: number) => r * width + c;
  const lines: Line[] = [];
  const totalFirst = options.totals ?? false;
  for (let r = 0; r < rows.length; r++) lines.push({ cells: Array.from({ length: width }, (_, c) => at(r, c)), total: options.totals ? at(r, width - 1) : undefined, totalFirst });
  for (let c = 0; c < width; c++) lines.push({ cells: Array.from({ length: rows.length }, (_, r) => at(r, c)), total: options.totals ? at(rows.length - 1, c) : undefined, totalFirst });
  const out = suppressLines(rows.flat(), lines);
  return rows.map((_, r) => out.slice(r * width, (r + 1) * width));
}

/**
 * A symmetric matrix: line k is row k, which is also column k, so a cell and its mirror are one
 * cell. `force(i, j)` withholds a cell whatever its value.
 */
export function suppressSymmetric(size: number, cell: (i: number, j: number) => number, force: (i: number, j: number) => boolean = () => false): (i: number, j: number) => number | null {
  const index = (i: number, j: number) => {
    const [a, b] = i <= j ? [i, j] : [j, i];
    // Row a of the upper triangle starts after the rows above it.
    return a * size - (a * (a - 1)) / 2 + (b - a);
  };
  const values: number[] = [];
  const forced: number[] = [];
  for (let i = 0; i < size; i++) {
    for (let j = i; j < size; j++) {
      values[index(i, j)] = cell(i, j);
      if (force(i, j)) forced.push(index(i, j));
    }
  }
  const lines = Array.from({ length: size }, (_, k) => Array.from({ length: size }, (_, j) => index(k, j)));
  const out = suppressLines(values, lines, forced);
  return (i, j) => out[index(i, j)] ?? null;
}
