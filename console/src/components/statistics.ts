/** One row of assistanceStatistics: per programme and county; null counts are suppressed (< 5). */
export interface StatisticsRow {
  programme: string;
  regionCode: string;
  beneficiaries: number | null;
  households: number | null;
  amountFen: string | null;
}

export interface ProgrammeTotal {
  programme: string;
  /** Sum of the figures shown; a lower bound when some county's figure is suppressed. */
  beneficiaries: number;
  suppressed: boolean;
  amountFen: bigint;
  amountSuppressed: boolean;
}

/** Totals per programme over counties, keeping track of suppressed cells (never guessed). */
export function totalsByProgramme(rows: StatisticsRow[]): ProgrammeTotal[] {
  const totals = new Map<string, ProgrammeTotal>();
  for (const r of rows) {
    const t = totals.get(r.programme) ?? { programme: r.programme, beneficiaries: 0, suppressed: false, amountFen: 0n, amountSuppressed: false };
    if (r.beneficiaries === null) t.suppressed = true;
    else t.beneficiaries += r.beneficiaries;
    if (r.amountFen === null) t.amountSuppressed = true;
    else t.amountFen += BigInt(r.amountFen);
    totals.set(r.programme, t);
  }
  return [...totals.values()].sort((a, b) => b.beneficiaries - a.beneficiaries);
}
