import { randomUUID } from 'node:crypto';
import type { Caller } from '@saf/auth';
import type { Db } from '@saf/db';
import { tooManySweeps, unavailable, type Logger } from '@saf/service';
import { claimSweep, failInterrupted, failSweeps, reapAbandoned, renewHeartbeat, startQueued, type SweepRow } from './db/sweeps.ts';

/** How often a process renews its sweeps' heartbeat, looks whether its queued ones may start, and fails abandoned ones. */
export const SWEEP_TICK_MS = 3_000;
/** A heartbeat this old means its process stopped (ten ticks missed), not that it is slow. */
export const SWEEP_STALE_MS = 30_000;

export interface TurnLimits {
  /** Sweeps one caller may have under way (SWEEP_MAX_PER_CALLER). */
  maxPerCaller: number;
  staleMs?: number;
  tickMs?: number;
}

/** Who asked for a sweep, and the purpose they declared (a code): its pages are read and logged as theirs. */
export interface SweepAsker {
  caller: Caller;
  purpose: string;
}

interface Mine {
  /** Whose rights the sweep reads the graph with, and why: kept here only, so only this process can run it. */
  asker: SweepAsker;
  running: boolean;
  ended: Promise<void>;
  end: () => void;
}

/**
 * When sweeps run, across every coordination process: PostgreSQL decides (db/sweeps.ts), one
 * sweep per region however many ask at once, overlapping scopes in turn, a few per caller. This
 * process runs the sweeps it was asked for, starts its queued ones when their turn comes, and
 * keeps its sweeps' heartbeat while it lives.
 */
export class SweepTurns {
  /** This process, as the owner of the sweeps it runs. */
  readonly owner = `P-${randomUUID()}`;
  private readonly mine = new Map<string, Mine>();
  private readonly staleMs: number;
  private readonly tickMs: number;
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  /** Ticking while idle too, to fail sweeps other processes abandoned (after `open`). */
  private opened = false;
  private stopped = false;
  private passes: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly run: (sweep: SweepRow, asker: SweepAsker) => Promise<void>,
    private readonly limits: TurnLimits,
  ) {
    this.staleMs = limits.staleMs ?? SWEEP_STALE_MS;
    this.tickMs = limits.tickMs ?? SWEEP_TICK_MS;
  }

  /** On start: fails what a stopped process left under way, then ticks until `stop`. */
  async open(kind: 'postgres' | 'pglite'): Promise<void> {
    await failInterrupted(this.db, kind === 'pglite' ? null : this.staleMs);
    this.opened = true;
    this.ensureTicking();
  }

  /**
   * A sweep of `regionCode` for `asker`: the one already under way for that region, or a new one
   * (RUNNING, or QUEUED behind an overlapping one); TOO_MANY_SWEEPS past the caller's limit.
   */
  async request(regionCode: string, asker: SweepAsker): Promise<SweepRow> {
    const { caller } = asker;
    // Stopping: a sweep queued now would never start here.
    if (this.stopped) throw unavailable('the coordination service is stopping; ask again in a moment', { serviceName: 'coordination' });
    const max = this.limits.maxPerCaller;
    const claim = await claimSweep(this.db, { id: `S-${randomUUID()}`, regionCode, requestedBy: caller.sub, owner: this.owner, maxPerCaller: max, staleMs: this.staleMs });
    if ('refused' in claim) throw tooManySweeps(`you already have ${claim.underWay} sweeps under way, as many as one caller may have at once; ask again when one has ended`, max);
    if (claim.joined) return claim.sweep;
    let end!: () => void;
    const ended = new Promise<void>((resolve) => (end = resolve));
    this.mine.set(claim.sweep.id, { asker, running: false, ended, end });
    this.ensureTicking();
    if (claim.sweep.status === 'RUNNING') this.launch(claim.sweep);
    return claim.sweep;
  }

  /** Resolves when every sweep of this process has ended, queued ones included (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.mine.size) await Promise.allSettled([...this.mine.values()].map((m) => m.ended));
  }

  /** Shutdown: queued sweeps will not start here, so they fail; running ones finish (heartbeat kept). */
  async stop(): Promise<void> {
    this.stopped = true;
    const waiting = this.waiting();
    await failSweeps(this.db, waiting, 'the coordination service stopped before the sweep could start').catch((err) => this.log.warn({ err: (err as Error).message }, 'failing queued sweeps'));
    for (const id of waiting) this.forget(id);
    await this.idle();
    this.opened = false;
    this.stopTicking();
  }

  private waiting(): string[] {
    return [...this.mine].filter(([, m]) => !m.running).map(([id]) => id);
  }

  private launch(sweep: SweepRow): void {
    const m = this.mine.get(sweep.id)!;
    m.running = true;
    void this.run(sweep, m.asker)
      .catch((err) => this.log.error({ sweep: sweep.id, err: (err as Error).message }, 'sweep ended unexpectedly'))
      .finally(() => {
        this.forget(sweep.id);
        // Its scope is free: a sweep queued behind it may start now rather than at the next tick.
        void this.pass();
      });
  }

  private forget(id: string): void {
    const m = this.mine.get(id);
    this.mine.delete(id);
    m?.end();
    if (!this.mine.size && !this.opened) this.stopTicking();
  }

  /** One look at the queue at a time. */
  private pass(): Promise<void> {
    this.passes = this.passes
      .then(async () => {
        const waiting = this.waiting();
        if (this.stopped || !waiting.length) return;
        const { started, ended } = await startQueued(this.db, waiting, this.staleMs);
        for (const id of ended) this.forget(id);
        for (const sweep of started) this.launch(sweep);
      })
      .catch((err) => this.log.warn({ err: (err as Error).message }, 'looking at the sweep queue failed'));
    return this.passes;
  }

  private ensureTicking(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.tickMs);
    this.timer.unref();
  }

  private stopTicking(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await renewHeartbeat(this.db, [...this.mine.keys()]);
      await reapAbandoned(this.db, this.staleMs);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'sweep heartbeat failed');
    } finally {
      this.ticking = false;
    }
    // A sweep of another process may have ended: queued ones here may start.
    await this.pass();
  }
}
