/** The one markdown table the benchmark prints, and the file it writes with the machine and versions. */
import type { Machine } from './machine.ts';
import type { RunStats } from './stats.ts';
import type { HeavyRound } from './heavy.ts';
import type { EnforcementComparison } from './enforcement.ts';
import { describeGc, type GcKind, type GcPauses } from './gc.ts';

export type Path = 'ours' | 'variant' | 'apollo' | 'hive' | 'router' | 'floor' | 'monolith';
/** A run's figures with what it cost: the gateway process's CPU per request, and every process of the path's together. */
export type PathRun = RunStats & { gatewayCpuMs?: number; systemCpuMs?: number; pooledP99?: number; subgraphRequests?: number };

export const PATHS: Record<Path, string> = {
  ours: 'this gateway: JWT auth + X-Purpose + access log (one signed write per request) + operation limits + signed subgraph calls, a department\'s parallel fetches batched into one request',
  apollo: 'plain @apollo/gateway + @apollo/server, defaults (startStandaloneServer); only signs subgraph calls, fixed caller; no auth, no access log, no limits',
  hive: '@graphql-hive/gateway-runtime, defaults; only signs subgraph calls (onFetch), fixed caller; no auth, no access log, no limits',
  router: '@graphql-hive/gateway-runtime with Hive Router\'s query planner (@graphql-hive/router-runtime\'s `unifiedGraphHandler`, the Rust planner), otherwise as Hive: defaults, only signs subgraph calls (onFetch), fixed caller; no auth, no access log, no limits',
  variant: 'this gateway again, a second process started with other Node options (`--variant`) or variables (`--variant-env`), on the same subgraphs: to measure an option side by side',
  floor: 'no gateway: the bench process calls the subgraphs itself, signed, 8 requests in 3 rounds (civil affairs → 6 departments in parallel → coordination)',
  monolith: 'no federation: households, persons and every department\'s awards in one PostgreSQL database, the picture\'s JSON built by one SQL query per household (a pool of as many connections as the concurrency); its CPU is PostgreSQL\'s backends\' and the client\'s (the bench process: node-postgres sending the query and reading the JSON text, as an application serving it would)',
};
const SHORT: Record<Path, string> = { ours: 'ours', variant: 'ours, variant', apollo: 'plain Apollo', hive: 'Hive', router: 'Hive + Router planner', floor: 'floor (direct)', monolith: 'monolith (one SQL query)' };

export interface Completeness {
  checked: number;
  complete: number;
  awardsSeen: number;
  awardsExpected: number;
  /** The first error a sampled answer carried. */
  firstError?: string;
}

export interface Results {
  machine: Machine;
  setup: { loadHouseholds: number; sweepHouseholds: number; records: number; persons: number; pictures: number; duration: number; rounds: number; seed: string };
  completeness: Partial<Record<Path, Completeness>>;
  /** Per concurrency, each path's rounds as one (each figure their median, see medianRun), and our gateway's CPU per request. */
  picture: {
    concurrency: number;
    runs: Partial<Record<Path, PathRun>>;
    /** Each path's rounds in the order they ran: round i of every path ran in the same turn of the alternation. */
    rounds?: Partial<Record<Path, PathRun[]>>;
    /** What our answers waited for their access-log entries over all rounds (the gateway's histogram: bucket bounds). */
    accessLogWait?: { meanMs: number; p50Ms: number; p99Ms: number };
    /** Our gateway's (and the variant's) garbage-collection pauses over all rounds. */
    gc?: Partial<Record<'ours' | 'variant', Partial<Record<GcKind, GcPauses>>>>;
  }[];
  /** The median sweep of the rounds, and every round's time in seconds. */
  sweep: { persons: number; households: number; seconds: number; findings: number; rounds: number[] };
  /** The floor of a sweep shaped as streams (sweep.ts, streamedSweepFloor): the median round, and every round's time. */
  stream?: { seconds: number; findings: number; awards: number; persons: number; outside: number; rounds: number[] };
  /** The median query of the rounds (run alternating with the sweeps), and every round's time. */
  monolith: { seconds: number; matches: number; expected: number; rounds: number[] };
  /** One payment sweep of the swept region for one month (SPEC section 11), when the data has payments. */
  paymentSweep?: { period: string; seconds: number; households: number; payments: number; findings: number };
  /** Both parts' loads together, and each part's time (part 1, then part 2 after the sweeps). */
  load: { records: number; seconds: number; households: number; parts?: number[] };
  /** COPY of the same rows, each part's right after its load. */
  copy: { rows: number; seconds: number; parts?: number[] };
  /** At rest (started, empty), after load, sweep and household pictures, and after the capacity scenarios too. */
  memory: { atRest: Record<string, number>; after: Record<string, number>; settled: Record<string, number>; end: Record<string, number> };
  capacity: { name: string; stats: RunStats & { gatewayCpuMs?: number } }[];
  /** The c=10 picture alone and beside a sweep and four analysts' dashboards, round by round (heavy.ts). */
  heavy?: HeavyRound[];
  /** The picture with the sharing agreements enforced and not, side by side (enforcement.ts). */
  enforcement?: EnforcementComparison;
  notes: string[];
  /** The Node options of the `variant` path, when it ran. */
  variant?: string;
}

const n0 = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const n1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const ratio = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');
const met = (ok: boolean) => (ok ? 'met' : '**missed**');

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function renderTable(r: Results): string {
  const lines = [row(['measurement', 'path', 'result', 'p50 ms', 'p95 ms', 'p99 ms', 'ratio', 'target']), row(Array(8).fill('---'))];
  const completeness = (p: Path) => {
    const c = r.completeness[p];
    if (!c) return '';
    return c.complete === c.checked ? '' : ` (answers complete: ${c.complete}/${c.checked}; awards ${c.awardsSeen}/${c.awardsExpected}${c.firstError ? `; first error ${c.firstError.replaceAll('|', '\\|')}` : ''})`;
  };
  for (const { concurrency, runs, accessLogWait: w, gc } of r.picture) {
    for (const p of ['ours', 'variant', 'apollo', 'hive', 'router', 'floor', 'monolith'] as Path[]) {
      const s = runs[p];
      if (!s) continue;
      const cpu = `${s.gatewayCpuMs !== undefined ? `, gateway CPU ${n1(s.gatewayCpuMs)} ms/req (${n0(1000 / s.gatewayCpuMs)} req per gateway CPU-second)` : ''}${s.systemCpuMs !== undefined ? `, CPU of every process ${n1(s.systemCpuMs)} ms/picture` : ''}${s.subgraphRequests ? `, ${n1(s.subgraphRequests)} subgraph requests/picture` : ''}`;
      const pooled = s.pooledP99 !== undefined && Number.isFinite(s.pooledP99) && (runsOf(r, concurrency, p) ?? 0) > 1 ? `; p99 of all rounds' requests pooled ${n1(s.pooledP99)} ms` : '';
      const errors = s.errors ? `, ${s.errors} errors` : '';
      const wait = p === 'ours' && w ? `; access-log wait mean ${n1(w.meanMs)} ms, p50 ≤ ${w.p50Ms} ms, p99 ≤ ${w.p99Ms} ms` : '';
      const pauses = (p === 'ours' || p === 'variant') && gc?.[p] ? `; GC pauses ${describeGc(gc[p])}` : '';
      lines.push(row([`household picture, c=${concurrency}`, SHORT[p], `${n0(s.rps)} req/s${cpu}${errors}${pooled}${wait}${pauses}${completeness(p)}`, n1(s.p50), n1(s.p95), n1(s.p99), '', '']));
    }
  }
  const top = r.picture.at(-1);
  if (top) pictureTargets(r, top, lines);
  if (r.sweep.seconds) sweepRows(r, lines);
  if (r.paymentSweep) {
    const p = r.paymentSweep;
    lines.push(row(['payment sweep, region-month', `ours (coordination via the gateway, ${p.period})`, `${n0(p.payments / p.seconds)} payments/s (${n0(p.payments)} payments, ${n0(p.households)} households in ${n1(p.seconds)} s; ${n0(p.findings)} findings)`, '', '', '', '', '']));
  }
  if (r.load.seconds) loadRows(r, lines);
  for (const c of r.capacity) {
    const cpu = c.stats.gatewayCpuMs !== undefined ? `, gateway CPU ${n1(c.stats.gatewayCpuMs)} ms/req` : '';
    lines.push(row([`${c.name}, c=10`, 'ours', `${n0(c.stats.rps)} req/s${cpu}${c.stats.errors ? `, ${c.stats.errors} errors` : ''}`, n1(c.stats.p50), n1(c.stats.p95), n1(c.stats.p99), '', '']));
  }
  if (r.heavy?.length) heavyRows(r.heavy, lines);
  if (r.enforcement) enforcementRows(r.enforcement, lines);
  if (Object.keys(r.memory.after).length) memoryRows(r, lines);
  return lines.join('\n');
}

/**
 * The gateway whose figures the targets "throughput ≥ 1×" and "p99 below" are set against: Hive
 * with Hive Router's planner when it answered every sampled picture completely, else Hive.
 */
export function anchorOf(r: Pick<Results, 'completeness'>): 'router' | 'hive' {
  const c = r.completeness.router;
  return c && c.checked > 0 && c.complete === c.checked ? 'router' : 'hive';
}

/** How many rounds a path ran at a concurrency. */
function runsOf(r: Results, concurrency: number, p: Path): number | undefined {
  return r.picture.find((x) => x.concurrency === concurrency)?.rounds?.[p]?.length;
}

/** The picture with the sharing agreements enforced against the same without: medians of the rounds, and on ÷ off. */
export function enforcementRows(e: EnforcementComparison, lines: string[]): void {
  const rounds = e.rounds.map((x) => `${x.p50.toFixed(2)}/${x.p99.toFixed(2)}`).join(', ');
  const at = `household picture, c=${e.concurrency}, sharing enforcement`;
  lines.push(row([at, 'ours, enforcing', `${n0(e.on.rps)} req/s${e.on.errors ? `, ${e.on.errors} errors` : ''}; p99 of all rounds pooled ${n1(e.on.pooledP99)} ms`, n1(e.on.p50), n1(e.on.p95), n1(e.on.p99), '', '']));
  lines.push(row([at, 'ours, SHARING_ENFORCEMENT=off', `${n0(e.off.rps)} req/s${e.off.errors ? `, ${e.off.errors} errors` : ''}; p99 of all rounds pooled ${n1(e.off.pooledP99)} ms`, n1(e.off.p50), n1(e.off.p95), n1(e.off.p99), '', '']));
  lines.push(row([at, 'on ÷ off', `p50 ${ratio(e.on.p50 / e.off.p50)}, p99 ${ratio(e.on.p99 / e.off.p99)} (medians); round by round p50/p99: ${rounds}`, '', '', '', ratio(e.on.p50 / e.off.p50), 'not measurably slower']));
}

/** The picture beside heavy work: medians over the rounds, each round's ratio, and what the heavy work got. */
export function heavyRows(rounds: readonly HeavyRound[], lines: string[]): void {
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const pick = (side: 'alone' | 'beside', f: (s: RunStats) => number) => median(rounds.map((r) => f(r[side])));
  for (const side of ['alone', 'beside'] as const) {
    const label = side === 'alone' ? 'household picture alone, c=10' : 'household picture beside a prefecture sweep and 4 analysts\' dashboards, c=10';
    lines.push(row([label, 'ours', `${n0(pick(side, (s) => s.rps))} req/s${pick(side, (s) => s.errors) ? `, ${n0(pick(side, (s) => s.errors))} errors` : ''}`, n1(pick(side, (s) => s.p50)), n1(pick(side, (s) => s.p95)), n1(pick(side, (s) => s.p99)), '', '']));
  }
  const ratios = rounds.map((r) => r.beside.p99 / r.alone.p99);
  const total = rounds.reduce((a, r) => ({ answered: a.answered + r.dashboards.answered, computing: a.computing + r.dashboards.computing, limited: a.limited + r.dashboards.limited, failed: a.failed + r.dashboards.failed, sweeps: a.sweeps + r.sweeps }), { answered: 0, computing: 0, limited: 0, failed: 0, sweeps: 0 });
  const got = `dashboards answered ${total.answered}, still computing ${total.computing}, refused by the limits ${total.limited}, failed ${total.failed}; sweeps finished ${total.sweeps}`;
  const worst = median(ratios);
  lines.push(row(['picture p99 beside heavy work ÷ alone, c=10', '', `${roundByRound(ratios, ratio)}; ${got}`, '', '', '', ratio(worst), `≤ 2×: ${met(worst <= 2)}`]));
}

/**
 * Round by round, a figure of ours set against another path's from the same turn of the
 * alternation (seconds apart, so the host's speed drifts less between them than between medians).
 * Empty with fewer than two rounds of both.
 */
export function perRound(picture: Results['picture'][number], other: Path, figure: (ours: PathRun, theirs: PathRun) => number): number[] {
  const ours = picture.rounds?.ours ?? [];
  const theirs = picture.rounds?.[other] ?? [];
  const n = Math.min(ours.length, theirs.length);
  return n > 1 ? Array.from({ length: n }, (_, i) => figure(ours[i]!, theirs[i]!)) : [];
}

/** "round by round a, b, c" (or nothing with one round). */
function roundByRound(values: readonly number[], format: (x: number) => string, turn = 'round'): string {
  return values.length ? `${turn} by ${turn} ${values.map(format).join(', ')}` : '';
}

/** Each of `a` divided by the one of `b` measured next to it; empty unless both have the same two or more. */
function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  return a.length > 1 && a.length === b.length ? a.map((x, i) => x / b[i]!) : [];
}

/** Per concurrency, in how many rounds ours had the lower p99: "c=1 1 of 3, c=10 3 of 3". */
export function p99RoundsLower(pictures: Results['picture'], other: Path): string {
  return pictures
    .map((x) => ({ c: x.concurrency, lower: perRound(x, other, (o, t) => (o.p99 < t.p99 ? 1 : 0)) }))
    .filter((x) => x.lower.length)
    .map((x) => `c=${x.c} ${x.lower.reduce((a, b) => a + b, 0)} of ${x.lower.length}`)
    .join(', ');
}

function pictureTargets(r: Results, top: Results['picture'][number], lines: string[]): void {
  const ours = top.runs.ours!;
  const throughputRounds = (other: Path) => roundByRound(perRound(top, other, (o, t) => o.rps / t.rps), ratio);
  if (top.runs.apollo) lines.push(row([`throughput ours ÷ plain Apollo, c=${top.concurrency}`, '', throughputRounds('apollo'), '', '', '', ratio(ours.rps / top.runs.apollo.rps), `≥ 1.5×: ${met(ours.rps / top.runs.apollo.rps >= 1.5)}`]));
  const anchor = anchorOf(r);
  const notAnchor = 'none: not the anchor (answers incomplete, or Hive Router\'s planner answered completely)';
  for (const other of ['hive', 'router'] as const) {
    const theirs = top.runs[other];
    if (!theirs) continue;
    const label = `throughput ours ÷ ${SHORT[other]}${other === anchor ? ' (the anchor)' : ''}, c=${top.concurrency}`;
    lines.push(row([label, '', throughputRounds(other), '', '', '', ratio(ours.rps / theirs.rps), other === anchor ? `≥ 1×: ${met(ours.rps >= theirs.rps)}` : notAnchor]));
  }
  for (const other of ['apollo', 'hive', 'router'] as Path[]) {
    if (!top.runs[other]) continue;
    const worse = r.picture.filter((x) => x.runs[other] && x.runs.ours!.p99 >= x.runs[other]!.p99).map((x) => `c=${x.concurrency}`);
    const lower = p99RoundsLower(r.picture, other);
    const verdict = worse.length ? `not at ${worse.join(', ')}` : 'at every concurrency';
    const pooled = r.picture
      .filter((x) => Number.isFinite(x.runs.ours!.pooledP99 ?? Number.NaN) && Number.isFinite(x.runs[other]?.pooledP99 ?? Number.NaN))
      .map((x) => `c=${x.concurrency} ${n1(x.runs.ours!.pooledP99!)} vs ${n1(x.runs[other]!.pooledP99!)} ms`);
    const extra = [lower ? `rounds where ours was lower: ${lower}` : '', pooled.length ? `all rounds' requests pooled: ${pooled.join(', ')}` : ''].filter(Boolean).join('; ');
    const target = other === 'apollo' || other === anchor ? `lower: ${met(!worse.length)}` : notAnchor;
    lines.push(row([`p99 ours < ${SHORT[other]}`, '', `${verdict}${extra ? ` (${extra})` : ''}`, '', '', '', '', target]));
  }
  for (const x of r.picture) {
    const cpu = x.runs.ours?.systemCpuMs;
    const monolith = x.runs.monolith?.systemCpuMs;
    if (cpu === undefined || monolith === undefined) continue;
    const others = (['apollo', 'hive', 'router', 'floor'] as Path[]).filter((p) => x.runs[p]?.systemCpuMs !== undefined).map((p) => `${SHORT[p]} ${ratio(x.runs[p]!.systemCpuMs! / monolith)}`);
    const byRound = roundByRound(perRound(x, 'monolith', (o, t) => o.systemCpuMs! / t.systemCpuMs!), ratio);
    lines.push(row([`CPU per picture, every process: ours ÷ monolith, c=${x.concurrency}`, '', [byRound, others.length ? `the others ÷ monolith: ${others.join(', ')}` : ''].filter(Boolean).join('; '), '', '', '', ratio(cpu / monolith), `≤ 4×: ${met(cpu / monolith <= 4)}`]));
  }
  const first = r.picture[0]!;
  if (first.runs.floor) {
    const latency = first.runs.ours!.p50 / first.runs.floor.p50;
    lines.push(row([`gateway overhead: p50 ours ÷ floor, c=${first.concurrency}`, '', '', '', '', '', ratio(latency), `≤ 2×: ${met(latency <= 2)}`]));
  }
  if (top.runs.floor) {
    const throughput = top.runs.floor.rps / ours.rps;
    lines.push(row([`gateway overhead: throughput floor ÷ ours, c=${top.concurrency}`, '', '', '', '', '', ratio(throughput), `≤ 2×: ${met(throughput <= 2)}`]));
  }
}

/** ", the median of rounds a, b, c" when there was more than one round. */
function rounds(values: readonly number[], format: (x: number) => string): string {
  return values.length > 1 ? `, the median of rounds ${values.map(format).join(', ')}` : '';
}

function sweepRows(r: Results, lines: string[]): void {
  const sweepRate = r.sweep.persons / r.sweep.seconds;
  const monolithRate = r.sweep.persons / r.monolith.seconds;
  lines.push(row(['duplicate-aid sweep', 'ours (coordination via the gateway, default page size)', `${n0(sweepRate)} persons/s (${n0(r.sweep.persons)} persons, ${n0(r.sweep.households)} households in ${n1(r.sweep.seconds)} s${rounds(r.sweep.rounds, (s) => `${n1(s)} s`)}; ${n0(r.sweep.findings)} findings)`, '', '', '', '', '']));
  if (!r.monolith.seconds) return;
  lines.push(row(['duplicate-aid rules, one SQL query', 'monolith (all awards in one table)', `${n0(monolithRate)} persons/s (${(r.monolith.seconds * 1000).toFixed(0)} ms${rounds(r.monolith.rounds, (s) => `${(s * 1000).toFixed(0)} ms`)}; ${n0(r.monolith.matches)} matches, rule engine ${n0(r.monolith.expected)})`, '', '', '', '', '']));
  // Round i of the sweep and of the monolith query ran one after the other.
  // Issue 31: within 5× in every round (the median alone when the rounds do not pair).
  const paired = pairedRatios(r.sweep.rounds, r.monolith.rounds);
  const worst = Math.max(r.sweep.seconds / r.monolith.seconds, ...paired);
  lines.push(row(['sweep ÷ monolith time', '', roundByRound(paired, ratio), '', '', '', ratio(r.sweep.seconds / r.monolith.seconds), `≤ 5× in every round: ${met(worst <= 5)}`]));
  const s = r.stream;
  if (s) {
    lines.push(row(['duplicate-aid rules over streams, no gateway', 'floor of a sweep by streams (each department\'s awards of the region in one query, the rules once, nothing written)', `${(s.seconds * 1000).toFixed(0)} ms${rounds(s.rounds, (x) => `${(x * 1000).toFixed(0)} ms`)}; ${n0(s.findings)} findings of ${n0(s.awards)} awards, ${n0(s.persons)} persons; ${n0(s.outside)} awards of those persons under other regions not in the streams`, '', '', '', '', '']));
    lines.push(row(['stream floor ÷ monolith time', '', roundByRound(pairedRatios(s.rounds, r.monolith.rounds), ratio), '', '', '', ratio(s.seconds / r.monolith.seconds), 'what a sweep by streams could reach at best']));
  }
}

function loadRows(r: Results, lines: string[]): void {
  const loadRate = r.load.records / r.load.seconds;
  const copyRate = r.copy.rows / r.copy.seconds;
  lines.push(row(['load (`npm run load`)', 'validate → /ingest → commit', `${n0(loadRate)} records/s (${n0(r.load.records)} records, ${n0(r.load.households)} households in ${n1(r.load.seconds)} s: the swept ones, then the rest${(r.load.parts?.length ?? 0) > 1 ? `, ${r.load.parts!.map((x) => `${n1(x)} s`).join(' and ')}` : ''})`, '', '', '', '', '']));
  if (!r.copy.seconds) return;
  lines.push(row(['PostgreSQL COPY, same rows and tables', 'psql \\copy', `${n0(copyRate)} rows/s (${n0(r.copy.rows)} rows in ${n1(r.copy.seconds)} s${(r.copy.parts?.length ?? 0) > 1 ? `: ${r.copy.parts!.map((x) => `${n1(x)} s`).join(' and ')}, each part right after its load` : ''})`, '', '', '', '', '']));
  // Each part's load and its COPY ran one after the other.
  lines.push(row(['load ÷ COPY time', '', roundByRound(pairedRatios(r.load.parts ?? [], r.copy.parts ?? []), ratio, 'part'), '', '', '', ratio(r.load.seconds / r.copy.seconds), `≤ 3×: ${met(r.load.seconds / r.copy.seconds <= 3)}`]));
}

function memoryRows(r: Results, lines: string[]): void {
  const settled = Object.keys(r.memory.settled).length > 0;
  const later = Object.keys(r.memory.end).length > 0;
  const mb = (set: Record<string, number>, name: string) => n0(set[name] ?? Number.NaN);
  const mem = (name: string) =>
    `${mb(r.memory.atRest, name)} → ${mb(r.memory.after, name)}${settled ? ` → ${mb(r.memory.settled, name)}` : ''}${later ? ` → ${mb(r.memory.end, name)}` : ''} MB`;
  const subgraphs = Object.keys(r.memory.after).filter((k) => !['gateway', 'variant', 'apollo', 'hive', 'router'].includes(k));
  const maxSub = Math.max(...subgraphs.map((k) => r.memory.after[k] ?? 0));
  const label = `RSS at rest → after the runs${settled ? ' → idle 15 s after them' : ''}${later ? ' → after the capacity scenarios too' : ''}`;
  lines.push(row([label, 'ours', mem('gateway'), '', '', '', '', `< 250 MB after the runs: ${met((r.memory.after.gateway ?? Infinity) < 250)}`]));
  if (r.memory.after.variant !== undefined) lines.push(row([label, 'ours, variant', mem('variant'), '', '', '', '', '']));
  lines.push(row([label, 'plain Apollo / Hive / Hive + Router planner', `${mem('apollo')} / ${mem('hive')} / ${mem('router')}`, '', '', '', '', '']));
  lines.push(row([label, 'subgraphs', subgraphs.map((k) => `${k} ${mem(k)}`).join('; ') + ` (largest after the runs: ${n0(maxSub)} MB)`, '', '', '', '', '']));
}

/**
 * Where a run's file goes: `<date>.md`, or the first of `<date>b.md`, `<date>c.md`, … not yet
 * taken (a run never overwrites an earlier one's); a run that left parts out always writes
 * `<date>.partial.tmp`, scratch that git ignores.
 */
export function resultFileName(date: string, partial: boolean, taken: (name: string) => boolean): string {
  const day = date.slice(0, 10);
  if (partial) return `${day}.partial.tmp`;
  for (const suffix of ['', ...'bcdefghijklmnopqrstuvwxyz']) {
    const name = `${day}${suffix}.md`;
    if (!taken(name)) return name;
  }
  throw new Error(`bench/results already holds 26 runs of ${day}; move some away`);
}

export function renderFile(r: Results, table: string): string {
  const m = r.machine;
  return `# Benchmark ${m.date.slice(0, 10)}

Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; ${m.os}. Node ${m.node}; ${m.postgres}.
Packages: ${Object.entries(m.packages).map(([k, v]) => `${k} ${v}`).join(', ')}. Commit ${m.commit}; run at ${m.date}.

Data: \`createGeneration({ households: ${r.setup.loadHouseholds}, seed: '${r.setup.seed}' })\`: ${r.setup.records.toLocaleString('en-US')} records, ${r.setup.persons.toLocaleString('en-US')} persons; the first ${r.setup.sweepHouseholds.toLocaleString('en-US')} households loaded first and swept, then the rest; the household picture rotates over ${r.setup.pictures.toLocaleString('en-US')} households with four members and awards from all seven departments. Every process (gateways, nine subgraphs, PostgreSQL, the load generator) shares the machine's cores. Each concurrency ran ${r.setup.rounds} round(s) of ${r.setup.duration} s per path, the paths alternating; each figure shown is the median of the rounds' (throughput, each latency and CPU per request on their own; errors are the total). The sweep and the monolith query ran ${r.setup.rounds} round(s) alternating (the first sweep seconds after the load, its COPY and the making of the monolith's database); the medians are compared. Ratios are from this one run; the target rows also give them round by round (two paths' figures from the same turn of the alternation, or a sweep and the query run right after it), to show how far the host's drift moves them.

${table}

Paths:
${(Object.entries(PATHS) as [Path, string][]).filter(([k]) => k !== 'variant' || r.variant).map(([k, v]) => `- **${k}**: ${v}${k === 'variant' ? `: \`${r.variant}\`` : ''}`).join('\n')}

${r.notes.map((n) => `- ${n}`).join('\n')}
`;
}
