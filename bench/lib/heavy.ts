/**
 * A caseworker's household picture while others run heavy work (issue 25, hole 8; issue 31): the
 * c=10 picture load alone, then again while a sweep of the prefecture and four analysts'
 * leading-group dashboards (`assistanceTargets` and `programmeOverlap` for region 65, one
 * analyst each, asking again as soon as an answer comes) run beside it, in alternating rounds.
 * The limits per caller are on for the analysts, as deployed; what the dashboards got (answers,
 * figures still being computed, refusals) is counted, so a picture that stays fast because the
 * heavy work was simply refused shows as such.
 */
import type { Caller } from '@saf/auth';
import { runAutocannon, type Target } from './picture.ts';
import type { RunStats } from './stats.ts';
import { timedSweep } from './sweep.ts';

export interface HeavyRound {
  alone: RunStats;
  beside: RunStats;
  /** Dashboard requests by outcome while the pictures ran beside them. */
  dashboards: { answered: number; computing: number; limited: number; failed: number };
  /** Sweeps finished while the pictures ran beside them. */
  sweeps: number;
}

export interface HeavyOptions {
  ours: Target;
  /** Signs a token for a caller (the run's key). */
  sign: (caller: Caller) => Promise<string>;
  coordinator: Record<string, string>;
  bodies: string[];
  seconds: number;
  rounds: number;
  log: (message: string) => void;
}

export const DASHBOARD = `query Dashboard($region: String!) {
  assistanceTargets(regionCode: $region) {
    regionCode date
    centralizedSupport { region { centralized dispersed rate } counties { regionCode rate } }
    coverageGaps { kind region { persons households } counties { regionCode persons } }
  }
  programmeOverlap(regionCode: $region) { regionCode pairs { programme otherProgramme households } }
}`;

type Outcome = keyof HeavyRound['dashboards'];

async function dashboard(url: string, token: string): Promise<Outcome> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': encodeURIComponent('统计分析') },
      body: JSON.stringify({ query: DASHBOARD, variables: { region: '65' } }),
      signal: AbortSignal.timeout(60_000),
    });
    const body = (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    if (res.status === 429) return 'limited';
    if (body.errors?.some((e) => e.extensions?.code === 'STATISTICS_COMPUTING')) return 'computing';
    return body.data && !body.errors?.length ? 'answered' : 'failed';
  } catch {
    return 'failed';
  }
}

/** Runs `work` again and again until `stop` is set; a short pause after a refusal, as a client would. */
async function loop(stop: { done: boolean }, work: () => Promise<Outcome | void>): Promise<void> {
  while (!stop.done) {
    const outcome = await work();
    if (outcome === 'limited' || outcome === 'computing' || outcome === 'failed') await new Promise((r) => setTimeout(r, 1000));
  }
}

export async function pictureBesideHeavyWork(options: HeavyOptions): Promise<HeavyRound[]> {
  const analysts = await Promise.all([1, 2, 3, 4].map((i) => options.sign({ sub: `bench-analyst-${i}`, role: 'ANALYST' })));
  const rounds: HeavyRound[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const alone = await runAutocannon(options.ours, options.bodies, 10, options.seconds);
    options.log(`heavy work round ${round}: picture alone p50 ${alone.p50.toFixed(1)} p99 ${alone.p99.toFixed(1)} ms`);
    const stop = { done: false };
    const dashboards: HeavyRound['dashboards'] = { answered: 0, computing: 0, limited: 0, failed: 0 };
    let sweeps = 0;
    const heavy = [
      ...analysts.map((token) =>
        loop(stop, async () => {
          const outcome = await dashboard(options.ours.url, token);
          if (!stop.done) dashboards[outcome]++;
          return outcome;
        }),
      ),
      loop(stop, async () => {
        await timedSweep(options.ours.url, options.coordinator, '6540');
        if (!stop.done) sweeps++;
      }),
    ];
    // The heavy work first gets going (a sweep's first pages, the dashboards' first requests).
    await new Promise((r) => setTimeout(r, 2000));
    const beside = await runAutocannon(options.ours, options.bodies, 10, options.seconds);
    stop.done = true;
    await Promise.allSettled(heavy);
    options.log(`heavy work round ${round}: picture beside it p50 ${beside.p50.toFixed(1)} p99 ${beside.p99.toFixed(1)} ms; dashboards ${JSON.stringify(dashboards)}, sweeps finished ${sweeps}`);
    rounds.push({ alone, beside, dashboards, sweeps });
  }
  return rounds;
}
